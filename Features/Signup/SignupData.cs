using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;

namespace SupportChat.Features.Signup;

static class SignupData
{
    internal static Task<bool> EmailIsTakenAsync(this SupportChatDb db, string email, CancellationToken ct) =>
        db.Users.AnyAsync(u => u.Email == email, ct);

    internal static Task<bool> IsSupervisorAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        db.Users.AnyAsync(u => u.Id == id && u.Role == Roles.Supervisor, ct);

    /// <summary>False when the email's unique index refused the row: a signup with the same email won the race.</summary>
    internal static async Task<bool> TryCreateUserAsync(this SupportChatDb db, User user, CancellationToken ct)
    {
        db.Users.Add(user);
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
