using System.Text.Json;
using System.Text.Json.Serialization;
using FastEndpoints;
using FluentValidation;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;

namespace SupportChat.Features.Audit;

/// <summary>
/// The query string of GET /admin/audit; every parameter is optional and they combine with AND. Pass
/// <c>nextCursor</c> back as <c>cursor</c>, with the same filters, for the next page.
/// </summary>
sealed class AuditRequest
{
    /// <summary>Only this action: user.signed_up, conversation.created, conversation.assigned, conversation.agent_joined, conversation.updated, conversation.closed or auth.login_failed.</summary>
    [QueryParam] public string? Action { get; set; }
    /// <summary>Only events done by this user: a 24-character hexadecimal id.</summary>
    [QueryParam] public string? ActorId { get; set; }
    /// <summary>Only events about this conversation: a 24-character hexadecimal id.</summary>
    [QueryParam] public string? ConversationId { get; set; }
    /// <summary>Only events at or after this instant (inclusive): ISO-8601 with a time zone (2026-11-22T10:30:00.000Z, 2026-11-22T11:30:00+01:00), or a date alone for its midnight UTC.</summary>
    [QueryParam] public string? From { get; set; }
    /// <summary>Only events before this instant (exclusive), written as for from.</summary>
    [QueryParam] public string? To { get; set; }
    /// <summary>Events per page, 1–200; 50 when absent.</summary>
    [QueryParam] public int? Limit { get; set; }
    /// <summary>The nextCursor of the previous page, exactly as the server issued it.</summary>
    [QueryParam] public string? Cursor { get; set; }

    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>The filter the validated parameters describe; call only after <see cref="AuditValidator"/> passed.</summary>
    public AuditFilter ToFilter(JwtSettings jwt) => new(
        Action,
        ActorId is null ? null : ObjectId.Parse(ActorId),
        ConversationId is null ? null : ObjectId.Parse(ConversationId),
        From is null ? null : Instant.Parse(From),
        To is null ? null : Instant.Parse(To),
        Limit ?? DefaultLimit,
        Cursor is null ? null : AuditCursor.TryRead(jwt, Cursor, out var after) ? after : throw new FormatException("An unverified cursor passed validation."));
}

/// <summary>Shape only, as everywhere: each malformed parameter is 400 <c>Invalid request schema</c>.</summary>
sealed class AuditValidator : Validator<AuditRequest>
{
    public AuditValidator()
    {
        RuleFor(r => r.Action).Must(action => AuditActions.All.Contains(action, StringComparer.Ordinal)).When(r => r.Action is not null);
        RuleFor(r => r.ActorId).Must(id => ObjectId.TryParse(id, out _)).When(r => r.ActorId is not null);
        RuleFor(r => r.ConversationId).Must(id => ObjectId.TryParse(id, out _)).When(r => r.ConversationId is not null);
        RuleFor(r => r.From).Must(text => Instant.TryParse(text, out _)).When(r => r.From is not null);
        RuleFor(r => r.To).Must(text => Instant.TryParse(text, out _)).When(r => r.To is not null);
        RuleFor(r => r.Limit).InclusiveBetween(1, AuditRequest.MaxLimit);
        // Validators are singletons; JwtSettings is one too.
        RuleFor(r => r.Cursor).Must(cursor => AuditCursor.TryRead(Resolve<JwtSettings>(), cursor, out _)).When(r => r.Cursor is not null);
    }
}

/// <summary>What one page of the audit trail asks for, parsed; <see cref="AuditData.GetAuditPageAsync"/> runs it.</summary>
sealed record AuditFilter(
    string? Action, ObjectId? ActorId, ObjectId? ConversationId, DateTime? From, DateTime? To, int Limit, AuditPosition? After);

/// <summary>Where a page ends, in the trail's order (newest first: <see cref="At"/> descending, then <see cref="Id"/> descending).</summary>
readonly record struct AuditPosition(DateTime At, ObjectId Id);

/// <summary>One page of the trail, newest first.</summary>
/// <param name="Items">At most <c>limit</c> events, newest first (ties by _id, descending).</param>
/// <param name="NextCursor">Pass it back as <c>cursor</c> for the next page; null when no older event matches.</param>
sealed record AuditResponse(IReadOnlyList<AuditItem> Items, string? NextCursor);

/// <summary>One event of the trail; absent values are null.</summary>
/// <param name="Id">The event's own id.</param>
/// <param name="At">When it happened: ISO-8601 UTC with milliseconds.</param>
/// <param name="ActorId">Who did it; null for a failed login and for the admin created from Admin__Email at start.</param>
/// <param name="ActorRole">The actor's role then.</param>
/// <param name="Action">user.signed_up, conversation.created, conversation.assigned, conversation.agent_joined, conversation.updated, conversation.closed or auth.login_failed.</param>
/// <param name="ConversationId">The conversation the action was about.</param>
/// <param name="TargetUserId">The account the action was done to: the new account, the agent given the conversation, the account whose email a failed login named.</param>
/// <param name="Details">conversation.assigned: {agentId, previousAgentId} (null on the first assignment); conversation.updated: {fields: the changed
/// field names (priority, subject), oldPriority and newPriority when the priority changed}; conversation.closed: {via: "http" or "ws", messageCount}; null for the others.</param>
sealed record AuditItem(
    [property: JsonPropertyName("_id")] ObjectId Id,
    DateTime At,
    ObjectId? ActorId,
    string? ActorRole,
    string Action,
    ObjectId? ConversationId,
    ObjectId? TargetUserId,
    JsonElement? Details)
{
    public static AuditItem From(AuditEvent e) => new(
        e.Id, e.At, e.ActorId, e.ActorRole, e.Action, e.ConversationId, e.TargetUserId,
        e.Details is null ? null : JsonDocument.Parse(e.Details).RootElement.Clone());
}
