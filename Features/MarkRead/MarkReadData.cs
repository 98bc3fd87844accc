using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Features.MarkRead;

static class MarkReadData
{
    internal static Task<MarkReadAccess?> FindConversationAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        db.Conversations.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new MarkReadAccess(c.CandidateId, c.AgentId, c.Status))
            .SingleOrDefaultAsync(ct);

    /// <summary>The seq of a closed conversation's last persisted message (stored Sequence is 0-based); 0 without any.</summary>
    internal static async Task<int> GetPersistedLastSeqAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        await db.Messages.Where(m => m.ConversationId == id).MaxAsync(m => (int?)m.Sequence, ct) + 1 ?? 0;

    /// <summary>
    /// Raises a side's read marker to <paramref name="seq"/>; a marker already at or above it stays (reading never lowers
    /// what was read, also when two reads race). The marker belongs to the side, so it outlives a reassignment.
    /// </summary>
    internal static Task RaiseReadMarkerAsync(this SupportChatDb db, ObjectId id, bool candidateSide, int seq, CancellationToken ct) => candidateSide
        ? db.Conversations.Where(c => c.Id == id && c.CandidateReadSeq < seq).ExecuteUpdateAsync(set => set.SetProperty(c => c.CandidateReadSeq, seq), ct)
        : db.Conversations.Where(c => c.Id == id && c.AgentReadSeq < seq).ExecuteUpdateAsync(set => set.SetProperty(c => c.AgentReadSeq, seq), ct);
}

sealed record MarkReadAccess(ObjectId CandidateId, ObjectId? AgentId, string Status);
