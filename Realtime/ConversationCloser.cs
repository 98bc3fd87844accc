using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Realtime;

/// <summary>Closing a conversation, written once for the HTTP route and the CLOSE_CONVERSATION event.</summary>
sealed class ConversationCloser(RoomStore rooms, TranscriptWriter writer, TimeProvider clock)
{
    /// <summary>
    /// Persists the live transcript and flips the status to closed in one transaction, but only while the conversation
    /// is still <paramref name="expectedStatus"/> (and, for an agent's close, still assigned to <paramref name="expectedAgentId"/>):
    /// a concurrent join, reassignment or second close makes this return false instead of closing twice or losing messages.
    /// </summary>
    public Task<bool> CloseAsync(SupportChatDb db, ObjectId conversationId, string expectedStatus,
        ObjectId? expectedAgentId = null, SocketConnection? closer = null) =>
        rooms.CloseAsync(conversationId, transcript => writer.ExclusiveAsync(() => PersistAsync(db, conversationId, expectedStatus, expectedAgentId, transcript)), closer);

    // Not cancellable: once started, a close either commits whole or rolls back whole, whoever hangs up meanwhile.
    async Task<bool> PersistAsync(SupportChatDb db, ObjectId conversationId, string expectedStatus, ObjectId? expectedAgentId, IReadOnlyList<LiveMessage> transcript)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var closedAt = clock.GetUtcNow().UtcDateTime;
        var updated = await db.Conversations
            .Where(c => c.Id == conversationId && c.Status == expectedStatus && (expectedAgentId == null || c.AgentId == expectedAgentId))
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.Status, ConversationStatus.Closed).SetProperty(c => c.ClosedAt, closedAt));
        if (updated == 0) return false;

        await db.LiveMessages.Where(m => m.ConversationId == conversationId).ExecuteDeleteAsync();   // checkpointed copies
        await TranscriptWriter.InsertAsync(db, "Messages", conversationId, 0, transcript);
        await transaction.CommitAsync();
        return true;
    }
}
