using SupportChat.Common.Auth;

namespace SupportChat.Features.Signup;

/// <summary>
/// <c>Signup__AllowedRoles</c> (comma-separated; default all four, as the PRD requires) lets an operator stop
/// strangers from signing up as admin or supervisor. <c>Admin__Email</c> / <c>Admin__Password</c> create the first
/// admin at start when no user has that email.
/// </summary>
sealed record SignupSettings(IReadOnlySet<string> AllowedRoles, string? AdminEmail, string? AdminPassword)
{
    /// <summary>Reads the settings; null, with the reason in <paramref name="problem"/>, when the service must not start.</summary>
    public static SignupSettings? Load(IConfiguration configuration, out string problem)
    {
        var configured = configuration["Signup:AllowedRoles"];
        var roles = string.IsNullOrWhiteSpace(configured)
            ? Roles.All
            : configured.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var adminEmail = configuration["Admin:Email"];
        var adminPassword = configuration["Admin:Password"];
        problem = roles.FirstOrDefault(r => !Roles.All.Contains(r, StringComparer.Ordinal)) is { } unknown
            ? $"Signup__AllowedRoles names an unknown role '{unknown}'; roles are {string.Join(", ", Roles.All)}."
            : !string.IsNullOrWhiteSpace(adminEmail) && adminPassword is not { Length: >= 8 and <= 128 }
                ? "Admin__Password must be 8 to 128 characters when Admin__Email is set."
                : "";
        return problem.Length > 0 ? null : new SignupSettings(roles.ToHashSet(StringComparer.Ordinal), adminEmail, adminPassword);
    }
}
