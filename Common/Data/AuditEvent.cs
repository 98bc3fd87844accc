using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using SupportChat.Common.Auth;

namespace SupportChat.Common.Data;

/// <summary>The actions of CONTRACT.md "Audit", as stored and as <c>GET /admin/audit?action=</c> names them.</summary>
static class AuditActions
{
    public const string UserSignedUp = "user.signed_up";
    public const string ConversationCreated = "conversation.created";
    public const string ConversationAssigned = "conversation.assigned";
    public const string ConversationAgentJoined = "conversation.agent_joined";
    /// <summary>Written by <c>PATCH /conversations/:id</c> when the priority or subject changes.</summary>
    public const string ConversationUpdated = "conversation.updated";
    public const string ConversationClosed = "conversation.closed";
    public const string LoginFailed = "auth.login_failed";

    public static readonly string[] All =
        [UserSignedUp, ConversationCreated, ConversationAssigned, ConversationAgentJoined, ConversationUpdated, ConversationClosed, LoginFailed];
}

/// <summary>How a conversation was closed: the <c>via</c> of a <c>conversation.closed</c> event.</summary>
static class CloseVia
{
    public const string Http = "http";
    public const string WebSocket = "ws";
}

/// <summary>Who did something: the signed-in caller of a route or the user of a socket.</summary>
readonly record struct AuditActor(ObjectId Id, string Role)
{
    /// <summary>The caller of an authorized route.</summary>
    public static AuditActor Of(ClaimsPrincipal user) => new(user.UserId(), user.Role());
}

/// <summary>
/// One entry of the append-only audit trail (CONTRACT.md "Audit"). Each is written in the same transaction as the change
/// it records, and nothing in the app updates or deletes one. Built only through the factories below, whose arguments are
/// ids, roles, counts and fixed words: no message content, email, password or token can reach an event.
/// <see cref="TargetUserId"/> is the account the action was done to: the new account, the agent given the
/// conversation, the account whose email a failed login named; null otherwise.
/// </summary>
sealed class AuditEvent
{
    public ObjectId Id { get; init; } = ObjectId.NewId();
    /// <summary>UTC, truncated to the microsecond, which is all PostgreSQL keeps: the value written is the value stored on both providers.</summary>
    public required DateTime At { get; init; }
    /// <summary>Who did it; null for a failed login (nobody is signed in) and for the admin created from configuration at start.</summary>
    public ObjectId? ActorId { get; init; }
    public string? ActorRole { get; init; }
    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public required string Action { get; init; }
    public ObjectId? ConversationId { get; init; }
    public ObjectId? TargetUserId { get; init; }
    /// <summary>A JSON object as text, null when the action has none.</summary>
    public string? Details { get; init; }

    /// <summary>A self-service signup: the new user is actor and target.</summary>
    public static AuditEvent SignedUp(User user) =>
        Record(AuditActions.UserSignedUp, user.Id, user.Role, targetUserId: user.Id);

    /// <summary>The admin that <c>Admin__Email</c> creates at start: nobody signed in did it.</summary>
    public static AuditEvent CreatedFromConfiguration(User user) =>
        Record(AuditActions.UserSignedUp, null, null, targetUserId: user.Id);

    public static AuditEvent ConversationCreated(Conversation conversation) =>
        Record(AuditActions.ConversationCreated, conversation.CandidateId, Roles.Candidate, conversation.Id);

    /// <summary><paramref name="previousAgentId"/> is null on the first assignment.</summary>
    public static AuditEvent Assigned(AuditActor by, ObjectId conversationId, ObjectId agentId, ObjectId? previousAgentId) =>
        Record(AuditActions.ConversationAssigned, by.Id, by.Role, conversationId, agentId, new AssignedDetails(agentId, previousAgentId));

    /// <summary>The agent's first join, the one that moved the conversation from open to assigned.</summary>
    public static AuditEvent AgentJoined(ObjectId agentId, ObjectId conversationId) =>
        Record(AuditActions.ConversationAgentJoined, agentId, Roles.Agent, conversationId);

    /// <summary>
    /// A PATCH that changed something: <paramref name="fields"/> the changed field names (priority, subject), and the old and
    /// new priority when it changed (both null otherwise, and then left out of the details). Never the subject's text.
    /// </summary>
    public static AuditEvent Updated(AuditActor by, ObjectId conversationId, IReadOnlyList<string> fields, string? oldPriority, string? newPriority) =>
        Record(AuditActions.ConversationUpdated, by.Id, by.Role, conversationId, details: new UpdatedDetails(fields, oldPriority, newPriority));

    /// <summary><paramref name="via"/> is one of <see cref="CloseVia"/>; <paramref name="messageCount"/> the transcript's length.</summary>
    public static AuditEvent Closed(AuditActor by, ObjectId conversationId, string via, int messageCount) =>
        Record(AuditActions.ConversationClosed, by.Id, by.Role, conversationId, details: new ClosedDetails(via, messageCount));

    /// <summary>The email itself is never kept: only the account it belongs to, when it does.</summary>
    public static AuditEvent LoginFailed(ObjectId? targetUserId) =>
        Record(AuditActions.LoginFailed, null, null, targetUserId: targetUserId);

    static AuditEvent Record(string action, ObjectId? actorId, string? actorRole,
        ObjectId? conversationId = null, ObjectId? targetUserId = null, object? details = null) => new()
    {
        At = MicrosecondNow(),
        ActorId = actorId,
        ActorRole = actorRole,
        Action = action,
        ConversationId = conversationId,
        TargetUserId = targetUserId,
        Details = details is null ? null : JsonSerializer.Serialize(details, Json.Options),
    };

    static DateTime MicrosecondNow()
    {
        var now = DateTime.UtcNow;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    sealed record AssignedDetails(ObjectId AgentId, ObjectId? PreviousAgentId);

    sealed record ClosedDetails(string Via, int MessageCount);

    sealed record UpdatedDetails(
        IReadOnlyList<string> Fields,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OldPriority,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NewPriority);
}

/// <summary>Writing events inside the caller's transaction.</summary>
static class AuditTrail
{
    /// <summary>
    /// Inserts <paramref name="events"/> in the context's current transaction. They are detached afterwards, whatever
    /// happened: a failed batch retried close by close must not carry the events of the others along.
    /// </summary>
    public static async Task AppendAuditAsync(this SupportChatDb db, IReadOnlyCollection<AuditEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return;
        db.AuditEvents.AddRange(events);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            foreach (var audit in events) db.Entry(audit).State = Microsoft.EntityFrameworkCore.EntityState.Detached;
        }
    }
}
