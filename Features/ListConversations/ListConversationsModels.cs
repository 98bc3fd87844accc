using FastEndpoints;
using FluentValidation;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Conversations;
using SupportChat.Common.Data;

namespace SupportChat.Features.ListConversations;

/// <summary>
/// The query string of GET /conversations (CONTRACT.md Part 2 "Routes"); every parameter is optional and they combine
/// with AND, inside the caller's inbox. Pass <c>nextCursor</c> back as <c>cursor</c>, with the same filters, for the next page.
/// </summary>
sealed class ListConversationsRequest
{
    /// <summary>Only these statuses: a comma-separated list of open, assigned, closed (e.g. open,assigned).</summary>
    [QueryParam] public string? Status { get; set; }
    /// <summary>Only these priorities: a comma-separated list of low, normal, high, urgent.</summary>
    [QueryParam] public string? Priority { get; set; }
    /// <summary>Only this candidate's conversations: a 24-character hexadecimal id.</summary>
    [QueryParam] public string? CandidateId { get; set; }
    /// <summary>Only those assigned to this agent now: a 24-character hexadecimal id.</summary>
    [QueryParam] public string? AgentId { get; set; }
    /// <summary>Only those addressed to this supervisor: a 24-character hexadecimal id.</summary>
    [QueryParam] public string? SupervisorId { get; set; }
    /// <summary>Only those whose subject contains this text, ignoring case: 1–100 Unicode code points.</summary>
    [QueryParam] public string? Q { get; set; }
    /// <summary>Only those created at or after this instant (inclusive): ISO-8601 with a time zone (2026-11-22T10:30:00.000Z), or a date alone for its midnight UTC.</summary>
    [QueryParam] public string? CreatedFrom { get; set; }
    /// <summary>Only those created before this instant (exclusive), written as for createdFrom.</summary>
    [QueryParam] public string? CreatedTo { get; set; }
    /// <summary>Conversations per page, 1–100; 20 when absent.</summary>
    [QueryParam] public int? Limit { get; set; }
    /// <summary>The nextCursor of the previous page, exactly as the server issued it.</summary>
    [QueryParam] public string? Cursor { get; set; }

    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
    public const int MaxQueryLength = 100;

    /// <summary>The inbox cursor: its own purpose, so an audit cursor is not accepted here nor this one there.</summary>
    public static readonly KeysetCursor InboxCursor = new("SupportChat inbox cursor v1");

    /// <summary>Comma-separated values, each one of <paramref name="allowed"/>; false for an empty item or an unknown value.</summary>
    public static bool TryParseList(string? text, string[] allowed, out string[] values)
    {
        values = text?.Split(',') ?? [];
        return values.Length > 0 && values.All(v => allowed.Contains(v, StringComparer.Ordinal));
    }

    /// <summary>The filter the validated parameters describe; call only after <see cref="ListConversationsValidator"/> passed.</summary>
    public ListConversationsFilter ToFilter(JwtSettings jwt) => new(
        Status is null ? null : [.. Status.Split(',').Distinct()],
        Priority is null ? null : [.. Priority.Split(',').Distinct()],
        CandidateId is null ? null : ObjectId.Parse(CandidateId),
        AgentId is null ? null : ObjectId.Parse(AgentId),
        SupervisorId is null ? null : ObjectId.Parse(SupervisorId),
        Q?.ToLowerInvariant(),
        CreatedFrom is null ? null : Instant.Parse(CreatedFrom),
        CreatedTo is null ? null : Instant.Parse(CreatedTo),
        Limit ?? DefaultLimit,
        Cursor is null ? null
            : InboxCursor.TryRead(jwt, Cursor, out var at, out var id) ? (at, id) : throw new FormatException("An unverified cursor passed validation."));
}

/// <summary>Shape only, as everywhere: each malformed parameter is 400 <c>Invalid request schema</c>.</summary>
sealed class ListConversationsValidator : Validator<ListConversationsRequest>
{
    public ListConversationsValidator()
    {
        RuleFor(r => r.Status).Must(s => ListConversationsRequest.TryParseList(s, ConversationStatus.All, out _)).When(r => r.Status is not null);
        RuleFor(r => r.Priority).Must(p => ListConversationsRequest.TryParseList(p, ConversationPriority.All, out _)).When(r => r.Priority is not null);
        RuleFor(r => r.CandidateId).Must(id => ObjectId.TryParse(id, out _)).When(r => r.CandidateId is not null);
        RuleFor(r => r.AgentId).Must(id => ObjectId.TryParse(id, out _)).When(r => r.AgentId is not null);
        RuleFor(r => r.SupervisorId).Must(id => ObjectId.TryParse(id, out _)).When(r => r.SupervisorId is not null);
        RuleFor(r => r.Q).CodePointLength(1, ListConversationsRequest.MaxQueryLength).Must(TextRules.HasNoControlCharacters).When(r => r.Q is not null);
        RuleFor(r => r.CreatedFrom).Must(text => Instant.TryParse(text, out _)).When(r => r.CreatedFrom is not null);
        RuleFor(r => r.CreatedTo).Must(text => Instant.TryParse(text, out _)).When(r => r.CreatedTo is not null);
        RuleFor(r => r.Limit).InclusiveBetween(1, ListConversationsRequest.MaxLimit);
        // Validators are singletons; JwtSettings is one too.
        RuleFor(r => r.Cursor).Must(cursor => ListConversationsRequest.InboxCursor.TryRead(Resolve<JwtSettings>(), cursor, out _, out _))
            .When(r => r.Cursor is not null);
    }
}

/// <summary>What one inbox page asks for, parsed; <see cref="ListConversationsData.GetInboxPageAsync"/> runs it.</summary>
sealed record ListConversationsFilter(
    string[]? Statuses, string[]? Priorities, ObjectId? CandidateId, ObjectId? AgentId, ObjectId? SupervisorId, string? SubjectContainsLower,
    DateTime? CreatedFrom, DateTime? CreatedTo, int Limit, (DateTime CreatedAt, ObjectId Id)? After);

/// <summary>One page of the caller's inbox, newest first.</summary>
/// <param name="Items">At most <c>limit</c> conversation objects, newest createdAt first, ties by _id descending.</param>
/// <param name="NextCursor">Pass it back as <c>cursor</c> (with the same filters) for the next page; null when no conversation follows.</param>
sealed record ListConversationsResponse(IReadOnlyList<ConversationObject> Items, string? NextCursor);
