using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Realtime;

/// <summary>
/// A message takes its attachments (CONTRACT.md "Attachments"): each id must be an upload by the sender to the same
/// conversation that no message has used yet. Claimed in one transaction, conditionally on being unused, so of two sends
/// racing for one upload exactly one gets it; a send that then fails to reach its room gives them back.
/// </summary>
static class AttachmentClaims
{
    /// <summary>Marks every one of <paramref name="ids"/> used and returns them in the given order; null, with nothing
    /// marked, when any is unknown, someone else's, from another conversation or already used.</summary>
    public static async Task<IReadOnlyList<MessageAttachment>?> TryClaimAsync(SupportChatDb db, IReadOnlyList<ObjectId> ids, ObjectId senderId,
        ObjectId conversationId, DateTime now, CancellationToken ct)
    {
        ObjectId[] wanted = [.. ids];
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.Attachments
            .Where(a => wanted.Contains(a.Id) && a.UploaderId == senderId && a.ConversationId == conversationId && a.UsedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.UsedAt, now), ct);
        if (claimed != wanted.Length) return null;   // disposed uncommitted: rolled back, nothing marked
        var found = await db.Attachments.AsNoTracking().Where(a => wanted.Contains(a.Id))
            .Select(a => new { a.Id, a.FileName, a.FileType, a.FileSize })
            .ToDictionaryAsync(a => a.Id, ct);
        await transaction.CommitAsync(ct);
        return [.. wanted.Select(id => found[id]).Select(a => new MessageAttachment(a.Id, a.FileName, a.FileType, a.FileSize, MessageAttachment.IsImageType(a.FileType)))];
    }

    /// <summary>Makes attachments this send claimed usable again: its message never reached the room.</summary>
    public static Task ReleaseAsync(SupportChatDb db, IReadOnlyList<MessageAttachment> attachments)
    {
        ObjectId[] ids = [.. attachments.Select(a => a.Id)];
        return db.Attachments.Where(a => ids.Contains(a.Id)).ExecuteUpdateAsync(set => set.SetProperty(a => a.UsedAt, (DateTime?)null), CancellationToken.None);
    }
}
