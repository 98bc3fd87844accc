using FastEndpoints;
using FluentValidation;
using SupportChat.Common;
using SupportChat.Common.Data;
using SupportChat.Realtime.Events;

namespace SupportChat.Features.CreateConversation;

/// <summary>
/// <c>{supervisorId, subject?, priority?, message?}</c>. <c>supervisorId</c> is a string: a malformed one is answered
/// "Supervisor not found", not a schema error (CONTRACT.md). The Part 2 fields are optional; null is the same as absent.
/// </summary>
sealed class CreateConversationRequest
{
    /// <summary>The supervisor to ask for help: a user with the supervisor role.</summary>
    public string? SupervisorId { get; set; }
    /// <summary>1–200 Unicode code points after trimming, stored trimmed, no C0 control character but tab, line feed and carriage return; absent or null: none.</summary>
    public string? Subject { get; set; }
    /// <summary>low, normal, high or urgent; normal when absent or null.</summary>
    public string? Priority { get; set; }
    /// <summary>An opening message, stored as the candidate's first message (seq 1), with SEND_MESSAGE's rules: 1–5000 Unicode
    /// code points after trimming, no C0 control character but tab, line feed and carriage return; stored as sent. Counts
    /// toward the candidate's message budget (429 past it).</summary>
    public string? Message { get; set; }
}

/// <summary>Shape only (CONTRACT.md Part 2 "Routes"): a wrong type or value of any field is 400 <c>Invalid request schema</c>.</summary>
sealed class CreateConversationValidator : Validator<CreateConversationRequest>
{
    public CreateConversationValidator()
    {
        RuleFor(r => r.SupervisorId).NotNull();
        RuleFor(r => r.Subject).CodePointLength(1, Conversation.SubjectMaxLength, trimmed: true).Must(TextRules.HasNoControlCharacters).When(r => r.Subject is not null);
        RuleFor(r => r.Priority).Must(ConversationPriority.IsValid).When(r => r.Priority is not null);
        RuleFor(r => r.Message).CodePointLength(1, SendMessageValidator.MaxContentLength, trimmed: true).Must(TextRules.HasNoControlCharacters)
            .When(r => r.Message is not null);
    }
}
