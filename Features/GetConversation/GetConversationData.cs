using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Features.GetConversation;

static class GetConversationData
{
    internal static Task<List<GetConversationMessage>> GetPersistedMessagesAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        db.Messages.AsNoTracking().Where(m => m.ConversationId == id).OrderBy(m => m.Sequence)
            .Select(m => new GetConversationMessage(m.SenderId, m.SenderRole, m.Content, m.CreatedAt, MessageAttachment.FromColumn(m.Attachments)))
            .ToListAsync(ct);
}
