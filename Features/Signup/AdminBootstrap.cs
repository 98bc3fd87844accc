using SupportChat.Common.Auth;
using SupportChat.Common.Data;

namespace SupportChat.Features.Signup;

/// <summary>Creates the first admin from Admin__Email / Admin__Password at start, so a deployment with admin signup disabled still has one.</summary>
static partial class AdminBootstrap
{
    public static async Task EnsureAdminAsync(IServiceProvider services)
    {
        var settings = services.GetRequiredService<SignupSettings>();
        if (string.IsNullOrWhiteSpace(settings.AdminEmail) || string.IsNullOrEmpty(settings.AdminPassword)) return;

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SupportChatDb>();
        var email = settings.AdminEmail.Trim().ToLowerInvariant();
        if (await db.EmailIsTakenAsync(email, CancellationToken.None)) return;

        var admin = new User { Name = "Admin", Email = email, Role = Roles.Admin };
        admin.PasswordHash = services.GetRequiredService<PasswordHashing>().Hash(settings.AdminPassword);
        // Two instances starting together may race here; the unique email index lets exactly one win.
        if (await db.TryInsertAsync(admin, AuditEvent.CreatedFromConfiguration(admin), CancellationToken.None))
            LogCreated(services.GetRequiredService<ILogger<SignupSettings>>(), admin.Id);
    }

    [LoggerMessage(LogLevel.Information, "Created the first admin account {UserId} from Admin__Email")]
    static partial void LogCreated(ILogger logger, SupportChat.Common.ObjectId userId);
}
