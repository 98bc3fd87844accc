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
}
