using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace SupportChat.Common.Auth;

/// <summary>The <c>Jwt</c> configuration section: one signing secret shared by HTTP and WebSocket.</summary>
sealed class JwtSettings
{
    public const string Issuer = "SupportChat";
    const int MinimumSecretBytes = 32;   // HMAC-SHA256 wants a key of at least 256 bits

    public required SymmetricSecurityKey SigningKey { get; init; }
    public required TimeSpan Lifetime { get; init; }
    /// <summary><c>Jwt__UserCheckSeconds</c>: how long a token's user and role, once read, are trusted without reading again (<see cref="LiveUsers"/>).</summary>
    public required TimeSpan UserCheckInterval { get; init; }
    /// <summary>None: the same service issues and checks every token, so an expired token is expired (CONTRACT.md: 401).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.Zero;

    /// <summary>Reads the section; null, with the reason in <paramref name="problem"/>, when the service must not start.</summary>
    public static JwtSettings? Load(IConfiguration configuration, out string problem)
    {
        var secret = configuration["Jwt:Secret"];
        // Anything but a whole number reads as -1, so it is refused below with the setting's name.
        var lifetimeMinutes = configuration.WholeNumber("Jwt:ExpiryMinutes", 24 * 60) ?? -1;
        var userCheckSeconds = configuration.WholeNumber("Jwt:UserCheckSeconds", 10) ?? -1;
        problem = secret switch
        {
            null or "" => "Jwt__Secret is not set. Set it to a random string of at least 32 bytes, e.g. `openssl rand -base64 48`.",
            _ when Encoding.UTF8.GetByteCount(secret) < MinimumSecretBytes => $"Jwt__Secret must be at least {MinimumSecretBytes} bytes long.",
            _ when lifetimeMinutes <= 0 => "Jwt__ExpiryMinutes must be a positive number of minutes.",
            _ when userCheckSeconds < 0 => "Jwt__UserCheckSeconds must be 0 or more seconds.",
            _ => "",
        };
        return problem.Length > 0 ? null : new JwtSettings
        {
            SigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret!)),
            Lifetime = TimeSpan.FromMinutes(lifetimeMinutes),
            UserCheckInterval = TimeSpan.FromSeconds(userCheckSeconds),
        };
    }

    public TokenValidationParameters ValidationParameters => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Issuer,
        IssuerSigningKey = SigningKey,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = ClockSkew,
        NameClaimType = Claims.UserId,
        RoleClaimType = Claims.Role,
    };
}

static class Claims
{
    public const string UserId = "userId";
    public const string Role = "role";
}
