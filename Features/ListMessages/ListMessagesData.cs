using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Conversations;
using SupportChat.Common.Data;

namespace SupportChat.Features.ListMessages;

static class ListMessagesData
{
    /// <summary>Who may read it and its status; null if there is no such conversation.</summary>
    internal static Task<ListMessagesAccess?> FindConversationAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        db.Conversations.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new ListMessagesAccess(c.CandidateId, c.AgentId, c.SupervisorId, c.Status))
            .SingleOrDefaultAsync(ct);

    /// <summary>A page of a closed conversation's persisted messages: two reads of the primary key (ConversationId, Sequence).
    /// Stored Sequence is 0-based; the wire's seq is Sequence + 1.</summary>
    internal static async Task<(HistoryWindow Window, List<MessageObject> Messages)> GetPersistedPageAsync(this SupportChatDb db, ObjectId id,
        int? before, int? after, int limit, CancellationToken ct)
    {
        var lastSequence = await db.Messages.Where(m => m.ConversationId == id).MaxAsync(m => (int?)m.Sequence, ct);
        var window = HistoryWindow.Of(lastSequence + 1 ?? 0, before, after, limit);
        if (window.Count == 0) return (window, []);
        int from = window.FirstSeq - 1, to = window.LastSeq - 1;
        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == id && m.Sequence >= from && m.Sequence <= to)
            .OrderBy(m => m.Sequence)
            .Select(m => new MessageObject(m.SenderId, m.SenderRole, m.Content, m.CreatedAt, m.Sequence + 1, MessageAttachment.FromColumn(m.Attachments)))
            .ToListAsync(ct);
        return (window, messages);
    }
}

sealed record ListMessagesAccess(ObjectId CandidateId, ObjectId? AgentId, ObjectId SupervisorId, string Status);
