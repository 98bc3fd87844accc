using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Realtime;

/// <summary>Closing a conversation, written once for the HTTP route and the CLOSE_CONVERSATION event.</summary>
sealed class ConversationCloser(RoomStore rooms, TranscriptWriter writer, Notifications notifications, TimeProvider clock,
    IDbContextFactory<SupportChatDb> contexts)
{
    sealed record PendingClose(ObjectId ConversationId, string ExpectedStatus, ObjectId? ExpectedAgentId, IReadOnlyList<LiveMessage> Transcript,
        AuditActor ClosedBy, string Via)
    {
        public readonly TaskCompletionSource<bool> Outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    // Closes waiting for the transcript writer; whichever of them gets it first commits them all.
    readonly List<PendingClose> _pending = [];

    /// <summary>
    /// Persists the live transcript and flips the status to closed in one transaction, but only while the conversation
    /// is still <paramref name="expectedStatus"/> (and, for an agent's close, still assigned to <paramref name="expectedAgentId"/>):
    /// a concurrent join, reassignment or second close makes this return false instead of closing twice or losing messages.
    /// The same transaction records the close for the audit trail: by <paramref name="closedBy"/>, <paramref name="via"/>
    /// one of <see cref="CloseVia"/>.
    /// Once committed, and once the room has heard CONVERSATION_CLOSED, subscribers get CONVERSATION_UPDATED.
    /// </summary>
    public async Task<bool> CloseAsync(SupportChatDb db, ObjectId conversationId, string expectedStatus, AuditActor closedBy, string via,
        ObjectId? expectedAgentId = null, SocketConnection? closer = null)
    {
        var closed = await rooms.CloseAsync(conversationId, transcript =>
            CommitWithOthersAsync(db, new PendingClose(conversationId, expectedStatus, expectedAgentId, transcript, closedBy, via)), closer,
            // Its own context: with Redis away it runs once Redis is back, after this request.
            (first, late) => writer.ExclusiveAsync(async () =>
            {
                await using var own = await contexts.CreateDbContextAsync(CancellationToken.None);
                await TranscriptWriter.InsertAsync(own, [new(conversationId, first, late)]);
                return true;
            }));
        if (closed) await notifications.ConversationUpdatedAsync(conversationId);
        return closed;
    }

    /// <summary>
    /// Group commit: closes that queue up behind one write go together in the next transaction, each still conditional on
    /// its own status and agent. A burst of 100 closes then costs a few transactions (begin, commit, WAL sync) rather
    /// than 100 one after another, each close waiting for all those before it.
    /// </summary>
    async Task<bool> CommitWithOthersAsync(SupportChatDb db, PendingClose close)
    {
        lock (_pending) _pending.Add(close);
        await writer.ExclusiveAsync(async () =>
        {
            PendingClose[] batch;
            lock (_pending)
            {
                batch = [.. _pending];
                _pending.Clear();
            }
            // Empty when an earlier writer took this close along; its outcome is set already.
            if (batch.Length > 0) await PersistAsync(db, batch);
            return true;
        });
        return await close.Outcome.Task;
    }

    // Not cancellable: once started, a close either commits whole or rolls back whole, whoever hangs up meanwhile.
    async Task PersistAsync(SupportChatDb db, PendingClose[] batch)
    {
        bool[] closed;
        try
        {
            closed = await PersistInOneTransactionAsync(db, batch);
        }
        catch (Exception) when (batch.Length > 1)
        {
            // One close's failure must not fail the others taken along: each tries again on its own.
            foreach (var close in batch) await PersistAsync(db, [close]);
            return;
        }
        catch (Exception e)
        {
            batch[0].Outcome.SetException(e);
            return;
        }
        for (var i = 0; i < batch.Length; i++) batch[i].Outcome.SetResult(closed[i]);
    }

    async Task<bool[]> PersistInOneTransactionAsync(SupportChatDb db, PendingClose[] batch)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var closedAt = clock.GetUtcNow().UtcDateTime;
        var closed = new bool[batch.Length];
        var transcripts = new List<TranscriptWriter.TranscriptRun>();
        var events = new List<AuditEvent>();
        for (var i = 0; i < batch.Length; i++)
        {
            var (conversationId, expectedStatus, expectedAgentId, transcript, closedBy, via) = batch[i];
            closed[i] = await db.Conversations
                .Where(c => c.Id == conversationId && c.Status == expectedStatus && (expectedAgentId == null || c.AgentId == expectedAgentId))
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.Status, ConversationStatus.Closed).SetProperty(c => c.ClosedAt, closedAt)) > 0;
            if (!closed[i]) continue;
            await CountHandledAsync(db, conversationId);
            transcripts.Add(new(conversationId, 0, transcript));
            events.Add(AuditEvent.Closed(closedBy, conversationId, via, transcript.Count));
        }
        // Their copies in the transcript journal stay until a compaction drops them: a restore skips closed conversations.
        await TranscriptWriter.InsertAsync(db, transcripts);
        await db.AppendAuditAsync(events, CancellationToken.None);
        await transaction.CommitAsync();
        return closed;
    }

    /// <summary>
    /// Raises the handled count of the supervisor of the conversation's agent (none without an agent), in the close's
    /// transaction, so <see cref="SupervisorStats"/> always equals the full count. An upsert: the first close of a
    /// supervisor creates the row, and two racing closes cannot both create it. The same statement on SQLite and
    /// PostgreSQL (the WHERE keeps SQLite's parser from reading ON CONFLICT as a join constraint).
    /// </summary>
    static Task CountHandledAsync(SupportChatDb db, ObjectId conversationId) => db.Database.ExecuteSqlInterpolatedAsync($"""
        INSERT INTO "SupervisorStats" ("SupervisorId", "ConversationsHandled")
        SELECT u."SupervisorId", 1 FROM "Conversations" c JOIN "Users" u ON u."Id" = c."AgentId"
         WHERE c."Id" = {conversationId.ToString()} AND u."SupervisorId" IS NOT NULL
        ON CONFLICT ("SupervisorId") DO UPDATE SET "ConversationsHandled" = "SupervisorStats"."ConversationsHandled" + 1
        """);
}
