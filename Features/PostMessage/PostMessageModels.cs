using FastEndpoints;
using FluentValidation;
using SupportChat.Common;
using SupportChat.Realtime.Events;

namespace SupportChat.Features.PostMessage;

/// <summary>The path's conversation and <c>{content}</c>.</summary>
sealed class PostMessageRequest
{
    [RouteParam] public ObjectId Id { get; set; }
    /// <summary>SEND_MESSAGE's rules: 1–5000 Unicode code points after trimming, no C0 control character but tab, line feed and
    /// carriage return; stored and delivered exactly as sent.</summary>
    public string? Content { get; set; }
}

/// <summary>Shape only: content breaking SEND_MESSAGE's rules is 400 <c>Invalid request schema</c> (CONTRACT.md "WebSocket", "Limits").</summary>
sealed class PostMessageValidator : Validator<PostMessageRequest>
{
    public PostMessageValidator() =>
        RuleFor(r => r.Content).CodePointLength(1, SendMessageValidator.MaxContentLength, trimmed: true).Must(TextRules.HasNoControlCharacters);
}

/// <summary>The message as stored, with its conversation.</summary>
/// <param name="ConversationId">The conversation it went to.</param>
/// <param name="SenderId">The caller.</param>
/// <param name="SenderRole">candidate or agent.</param>
/// <param name="Content">Exactly as sent.</param>
/// <param name="CreatedAt">When the server accepted it: ISO-8601 UTC with milliseconds.</param>
/// <param name="Seq">Its position in the conversation (the NEW_MESSAGE frames carry the same).</param>
sealed record PostMessageResponse(ObjectId ConversationId, ObjectId SenderId, string SenderRole, string Content, DateTime CreatedAt, int Seq);
