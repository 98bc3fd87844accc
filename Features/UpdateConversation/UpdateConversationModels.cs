using System.Text.Json;
using FastEndpoints;
using FluentValidation;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Features.UpdateConversation;

/// <summary>
/// The path's conversation and a body with at least one of <c>priority</c> and <c>subject</c>; anything else in the body
/// is ignored. JSON elements, not strings: an absent subject changes nothing while <c>"subject": null</c> clears it.
/// </summary>
sealed class UpdateConversationRequest
{
    [RouteParam] public ObjectId Id { get; set; }
    /// <summary>low, normal, high or urgent.</summary>
    public JsonElement Priority { get; set; }
    /// <summary>1–200 Unicode code points after trimming (stored trimmed), or null to clear it.</summary>
    public JsonElement Subject { get; set; }

    public bool HasPriority => Priority.ValueKind != JsonValueKind.Undefined;
    public bool HasSubject => Subject.ValueKind != JsonValueKind.Undefined;
    public string? NewPriority => HasPriority ? Priority.GetString() : null;
    /// <summary>The subject to store: trimmed, or null to clear it; only when <see cref="HasSubject"/>.</summary>
    public string? NewSubject => Subject.ValueKind == JsonValueKind.String ? Subject.GetString()!.Trim() : null;
}

/// <summary>Shape only: a wrong type or value, or neither field, is 400 <c>Invalid request schema</c> (CONTRACT.md Part 2 "Routes").</summary>
sealed class UpdateConversationValidator : Validator<UpdateConversationRequest>
{
    public UpdateConversationValidator()
    {
        RuleFor(r => r).Must(r => r.HasPriority || r.HasSubject).WithName("priority");
        RuleFor(r => r.Priority).Must(p => p.ValueKind == JsonValueKind.String && ConversationPriority.IsValid(p.GetString()))
            .When(r => r.HasPriority);
        RuleFor(r => r.Subject).Must(s => s.ValueKind == JsonValueKind.Null
                || (s.ValueKind == JsonValueKind.String && TextRules.CodePoints(s.GetString().AsSpan().Trim()) is >= 1 and <= Conversation.SubjectMaxLength
                    && TextRules.HasNoControlCharacters(s.GetString())))
            .When(r => r.HasSubject);
    }
}
