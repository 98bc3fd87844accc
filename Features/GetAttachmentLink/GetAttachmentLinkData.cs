using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Features.GetAttachmentLink;

static class GetAttachmentLinkData
{
    internal static Task<AttachmentReaders?> FindAttachmentReadersAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        db.Attachments.AsNoTracking().Where(a => a.Id == id)
            .Join(db.Conversations, a => a.ConversationId, c => c.Id, (a, c) => new AttachmentReaders(c.CandidateId, c.AgentId, c.SupervisorId))
            .SingleOrDefaultAsync(ct);
}
