using System.Net;
using Microsoft.EntityFrameworkCore;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.Signup;

/// <summary>A deployment that allows self-signup only as candidate or agent and creates its admin from settings.</summary>
public sealed class LockedDownSignupApp : TestApp
{
    public const string AdminEmail = "Root@Example.com";
    public const string AdminPassword = "admin-password-1";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Signup:AllowedRoles", "candidate, agent"),
        new("Admin:Email", AdminEmail),
        new("Admin:Password", AdminPassword),
    ];

    /// <summary>Admins and supervisors cannot sign up here; the tests create what they need.</summary>
    protected override Task SetupAsync() => Task.CompletedTask;
}

public sealed class SignupSettingsTests(LockedDownSignupApp app) : IClassFixture<LockedDownSignupApp>
{
    [Theory]
    [InlineData("admin")]
    [InlineData("supervisor")]
    public async Task Roles_left_out_of_Signup_AllowedRoles_cannot_sign_up(string role)
    {
        (await app.PostAsync("/auth/signup", new { name = "N", email = ApiClient.NewEmail(), password = "secret123", role }))
            .ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
    }

    [Fact]
    public async Task Allowed_roles_still_sign_up()
    {
        (await app.PostAsync("/auth/signup", new { name = "N", email = ApiClient.NewEmail(), password = "secret123", role = "candidate" }))
            .ShouldSucceed(HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_first_admin_is_created_from_Admin_Email_and_can_log_in_once()
    {
        var token = await app.LoginAsync(LockedDownSignupApp.AdminEmail, LockedDownSignupApp.AdminPassword);
        (await app.GetAsync("/auth/me", token)).ShouldSucceed().GetProperty("role").GetString().ShouldBe("admin");
        (await app.GetAsync("/admin/analytics", token)).ShouldSucceed();
        (await app.WithDbAsync(db => db.Users.CountAsync(u => u.Role == "admin"))).ShouldBe(1);
    }
}
