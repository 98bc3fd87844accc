using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Conversations;
using SupportChat.Common.Data;

namespace SupportChat.Features.GetConversation;

static class GetConversationData
{
    internal static Task<ConversationRow?> GetConversationRowAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        db.Conversations.AsNoTracking().Where(c => c.Id == id).SelectRows(db).SingleOrDefaultAsync(ct);

    /// <summary>Stored Sequence is 0-based; the wire's seq is Sequence + 1.</summary>
    internal static Task<List<MessageObject>> GetPersistedMessagesAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        db.Messages.AsNoTracking().Where(m => m.ConversationId == id).OrderBy(m => m.Sequence)
            .Select(m => new MessageObject(m.SenderId, m.SenderRole, m.Content, m.CreatedAt, m.Sequence + 1, MessageAttachment.FromColumn(m.Attachments)))
            .ToListAsync(ct);
}
