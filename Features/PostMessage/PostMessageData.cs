using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Features.PostMessage;

static class PostMessageData
{
    internal static Task<PostMessageAccess?> FindConversationAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        db.Conversations.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new PostMessageAccess(c.CandidateId, c.AgentId, c.Status))
            .SingleOrDefaultAsync(ct);

    internal static Task<bool> IsClosedAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        db.Conversations.AnyAsync(c => c.Id == id && c.Status == ConversationStatus.Closed, ct);
}

sealed record PostMessageAccess(ObjectId CandidateId, ObjectId? AgentId, string Status);
