using System.Text.Json.Serialization;
using FastEndpoints;
using FluentValidation;
using SupportChat.Common;
using SupportChat.Common.Data;
using SupportChat.Realtime.Events;

namespace SupportChat.Features.PostMessage;

/// <summary>The path's conversation and <c>{content, attachmentIds}</c>.</summary>
sealed class PostMessageRequest
{
    [RouteParam] public ObjectId Id { get; set; }
    /// <summary>SEND_MESSAGE's rules: 1–5000 Unicode code points after trimming, no C0 control character but tab, line feed and
    /// carriage return; stored and delivered exactly as sent. May be empty or absent when the message carries attachments.</summary>
    public string? Content { get; set; }
    /// <summary>Optional (CONTRACT.md "Attachments"): 1–5 distinct ids of the caller's unused uploads to this conversation.</summary>
    public string?[]? AttachmentIds { get; set; }
}

/// <summary>Shape only: SEND_MESSAGE's rules (CONTRACT.md "WebSocket", "Limits", "Attachments"); breaking them is 400 <c>Invalid request schema</c>.</summary>
sealed class PostMessageValidator : Validator<PostMessageRequest>
{
    public PostMessageValidator()
    {
        // One predicate for both cases, without NotNull: OpenAPI would otherwise show content as required.
        RuleFor(r => r.Content).Must((r, content) => SendMessageValidator.IsValidContent(content, withAttachments: r.AttachmentIds is not null))
            .WithMessage("1–5000 Unicode code points after trimming, no C0 control character but tab, line feed and carriage return; may be absent with attachmentIds.");
        RuleFor(r => r.AttachmentIds).Must(SendMessageValidator.AreDistinctIds).When(r => r.AttachmentIds is not null);
    }
}

/// <summary>The message as stored, with its conversation.</summary>
/// <param name="ConversationId">The conversation it went to.</param>
/// <param name="SenderId">The caller.</param>
/// <param name="SenderRole">candidate or agent.</param>
/// <param name="Content">Exactly as sent.</param>
/// <param name="CreatedAt">When the server accepted it: ISO-8601 UTC with milliseconds.</param>
/// <param name="Seq">Its position in the conversation (the NEW_MESSAGE frames carry the same).</param>
/// <param name="Attachments">Only on a message with attachments; absent otherwise.</param>
sealed record PostMessageResponse(ObjectId ConversationId, ObjectId SenderId, string SenderRole, string Content, DateTime CreatedAt, int Seq,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<MessageAttachment>? Attachments = null);
