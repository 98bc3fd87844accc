using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;

namespace SupportChat.Features.CreateConversation;

static class CreateConversationData
{
    internal static Task<bool> IsSupervisorAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        db.Users.AnyAsync(u => u.Id == id && u.Role == Roles.Supervisor, ct);

    internal static Task<bool> IsClosedAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        db.Conversations.AnyAsync(c => c.Id == id && c.Status == ConversationStatus.Closed, ct);
}
