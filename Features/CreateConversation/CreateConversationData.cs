using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;

namespace SupportChat.Features.CreateConversation;

static class CreateConversationData
{
    internal static Task<bool> IsSupervisorAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        db.Users.AnyAsync(u => u.Id == id && u.Role == Roles.Supervisor, ct);

    /// <summary>False when the candidate already has an open or assigned conversation (the filtered unique index said no).</summary>
    internal static async Task<bool> TryOpenConversationAsync(this SupportChatDb db, Conversation conversation, CancellationToken ct)
    {
        db.Conversations.Add(conversation);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return false;
        }
    }
}
