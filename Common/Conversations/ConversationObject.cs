using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Realtime;

namespace SupportChat.Common.Conversations;

/// <summary>
/// The conversation object every route returns (create, get, list, patch, read, the CONVERSATION_* notifications): Part 1's fields and CONTRACT.md Part 2
/// "Conversation fields". Exact at any moment: for a conversation that is not closed the message figures come from the
/// live transcript in <see cref="RoomStore"/> (nothing is written to the database per message); for a closed one from
/// its persisted messages.
/// </summary>
/// <param name="Id">The conversation's id.</param>
/// <param name="Status">open, assigned or closed.</param>
/// <param name="AgentId">The assigned agent; null until assigned.</param>
/// <param name="SupervisorId">The supervisor it is addressed to.</param>
/// <param name="CandidateId">The candidate who opened it.</param>
/// <param name="Subject">1–200 Unicode code points, trimmed; null when none was given or it was cleared.</param>
/// <param name="Priority">low, normal, high or urgent.</param>
/// <param name="CreatedAt">When it was opened: ISO-8601 UTC with milliseconds.</param>
/// <param name="ClosedAt">When it was closed; null until then.</param>
/// <param name="LastMessageAt">When its last message was sent; null without messages.</param>
/// <param name="LastMessagePreview">The first 100 UTF-16 code units of the last message's content; null without messages.</param>
/// <param name="MessageCount">How many messages it has; also the seq of the last one.</param>
/// <param name="UnreadByCandidate">Messages from staff (the agent) with a seq above the candidate side's read marker.</param>
/// <param name="UnreadByAgent">Messages from the candidate with a seq above the agent side's read marker.</param>
sealed record ConversationObject(
    [property: JsonPropertyName("_id")] ObjectId Id,
    string Status,
    ObjectId? AgentId,
    ObjectId SupervisorId,
    ObjectId CandidateId,
    string? Subject,
    string Priority,
    DateTime CreatedAt,
    DateTime? ClosedAt,
    DateTime? LastMessageAt,
    string? LastMessagePreview,
    int MessageCount,
    int UnreadByCandidate,
    int UnreadByAgent)
{
    /// <summary>CONTRACT.md Part 2: the preview is the first 100 UTF-16 code units of the last message.</summary>
    public const int PreviewLength = 100;

    public static string Preview(string content) => content.Length <= PreviewLength ? content : content[..PreviewLength];

    /// <summary>The object of a row; <paramref name="live"/> is the live state, used unless the row is closed.</summary>
    public static ConversationObject From(ConversationRow row, LiveSummary live)
    {
        var closed = row.Status == ConversationStatus.Closed;
        var count = closed ? row.LastSequence + 1 ?? 0 : live.LastSeq;
        var lastAt = closed ? row.LastCreatedAt : live.Last?.CreatedAt;
        var lastContent = closed ? row.LastContent : live.Last?.Content;
        return new(row.Id, row.Status, row.AgentId, row.SupervisorId, row.CandidateId, row.Subject, row.Priority, row.CreatedAt, row.ClosedAt,
            count == 0 ? null : lastAt, count == 0 || lastContent is null ? null : Preview(lastContent), count,
            closed ? row.PersistedUnreadByCandidate : live.UnreadByCandidate,
            closed ? row.PersistedUnreadByAgent : live.UnreadByAgent);
    }
}

/// <summary>
/// A conversation as read from the database. The last message and the unread counts are read from Messages only for a
/// closed conversation (each a lookup on its primary key, ConversationId + Sequence); live ones take them from memory.
/// <see cref="LastSequence"/> is 0-based as stored: seq = Sequence + 1.
/// </summary>
sealed record ConversationRow(
    ObjectId Id, string Status, ObjectId? AgentId, ObjectId SupervisorId, ObjectId CandidateId, string? Subject, string Priority,
    DateTime CreatedAt, DateTime? ClosedAt, int CandidateReadSeq, int AgentReadSeq,
    int? LastSequence, string? LastContent, DateTime? LastCreatedAt, int PersistedUnreadByCandidate, int PersistedUnreadByAgent);

/// <summary>Reading conversation objects: the projection, and the live overlay that keeps them exact.</summary>
static class ConversationObjects
{
    /// <summary>
    /// The rows of <paramref name="conversations"/>. Scalar subqueries, not a join: both providers evaluate them only for
    /// the rows returned, after any ORDER BY and LIMIT, so a page costs a few primary-key lookups per conversation.
    /// A side has read seq R when it has read every message of Sequence &lt; R.
    /// </summary>
    public static IQueryable<ConversationRow> SelectRows(this IQueryable<Conversation> conversations, SupportChatDb db) =>
        conversations.Select(c => new ConversationRow(
            c.Id, c.Status, c.AgentId, c.SupervisorId, c.CandidateId, c.Subject, c.Priority, c.CreatedAt, c.ClosedAt, c.CandidateReadSeq, c.AgentReadSeq,
            c.Status == ConversationStatus.Closed ? db.Messages.Where(m => m.ConversationId == c.Id).Max(m => (int?)m.Sequence) : null,
            c.Status == ConversationStatus.Closed
                ? db.Messages.Where(m => m.ConversationId == c.Id).OrderByDescending(m => m.Sequence).Select(m => m.Content).FirstOrDefault()
                : null,
            c.Status == ConversationStatus.Closed
                ? db.Messages.Where(m => m.ConversationId == c.Id).OrderByDescending(m => m.Sequence).Select(m => (DateTime?)m.CreatedAt).FirstOrDefault()
                : null,
            c.Status == ConversationStatus.Closed
                ? db.Messages.Count(m => m.ConversationId == c.Id && m.Sequence >= c.CandidateReadSeq && m.SenderRole != Roles.Candidate)
                : 0,
            c.Status == ConversationStatus.Closed
                ? db.Messages.Count(m => m.ConversationId == c.Id && m.Sequence >= c.AgentReadSeq && m.SenderRole == Roles.Candidate)
                : 0));

    /// <summary>One conversation's object, or null if there is no such conversation.</summary>
    public static async Task<ConversationObject?> GetConversationObjectAsync(this SupportChatDb db, ObjectId id, RoomStore rooms, CancellationToken ct)
    {
        var row = await db.Conversations.AsNoTracking().Where(c => c.Id == id).SelectRows(db).SingleOrDefaultAsync(ct);
        return row is null ? null : (await db.ToObjectsAsync([row], rooms, ct))[0];
    }

    /// <summary>
    /// The objects of <paramref name="rows"/>, in their order, live figures from <paramref name="rooms"/>. A close that
    /// committed after the rows were read has emptied the room by now: a conversation read as live whose room shows no
    /// message is read again, and if it is closed by then its persisted figures are used, so none is ever reported
    /// without the messages it has.
    /// </summary>
    public static async Task<List<ConversationObject>> ToObjectsAsync(this SupportChatDb db, IReadOnlyList<ConversationRow> rows, RoomStore rooms, CancellationToken ct)
    {
        var objects = new List<ConversationObject>(rows.Count);
        List<ObjectId>? emptyLive = null;
        foreach (var row in rows)
        {
            var live = row.Status == ConversationStatus.Closed ? default : rooms.Summarize(row.Id, row.CandidateReadSeq, row.AgentReadSeq);
            if (row.Status != ConversationStatus.Closed && live.LastSeq == 0) (emptyLive ??= []).Add(row.Id);
            objects.Add(ConversationObject.From(row, live));
        }
        if (emptyLive is null) return objects;

        // By id alone: with a status condition too, SQLite without statistics read the closed ones' status index (200 ms
        // at 1,000,000 conversations, BENCHMARKS.md "Inbox") instead of the primary key.
        var again = await db.Conversations.AsNoTracking().Where(c => emptyLive.Contains(c.Id)).SelectRows(db).ToListAsync(ct);
        var closedSince = again.Where(r => r.Status == ConversationStatus.Closed).ToDictionary(r => r.Id);
        for (var i = 0; i < objects.Count; i++)
            if (closedSince.TryGetValue(objects[i].Id, out var closed)) objects[i] = ConversationObject.From(closed, default);
        return objects;
    }
}
