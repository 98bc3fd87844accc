using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SupportChat.Tests.Support;

/// <summary>Hand-made tokens for the paths a real login never produces: expired, foreign-signed, odd claims.</summary>
public static class Tokens
{
    public static string Forge(string userId, string role, DateTime? expires = null, string secret = TestApp.JwtSecret)
    {
        var expiry = expires ?? DateTime.UtcNow.AddHours(1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "SupportChat",
            Audience = "SupportChat",
            Subject = new ClaimsIdentity([new Claim("userId", userId), new Claim("role", role)]),
            IssuedAt = expiry.AddHours(-2),
            NotBefore = expiry.AddHours(-2),
            Expires = expiry,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>Missing, malformed, foreign-signed and expired tokens for <paramref name="role"/>: each must be refused like no token at all.</summary>
    public static TheoryData<string?> Invalid(string role) => new()
    {
        null,
        "not-a-jwt",
        "eyJhbGciOiJub25lIn0.eyJ1c2VySWQiOiIxIiwicm9sZSI6ImFkbWluIn0.",   // alg "none"
        Forge(SupportChat.Common.ObjectId.NewId().ToString(), role, secret: "another-secret-that-is-long-enough-for-hs256"),
        Forge(SupportChat.Common.ObjectId.NewId().ToString(), role, expires: DateTime.UtcNow.AddMinutes(-5)),
        Forge(SupportChat.Common.ObjectId.NewId().ToString(), role, expires: DateTime.UtcNow.AddSeconds(-2)),   // no grace after expiry
    };

    /// <summary>A token with exactly these payload claims (and a valid issuer, audience and lifetime), for claim shapes a login never makes.</summary>
    public static string ForgeClaims(IDictionary<string, object> claims) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "SupportChat",
            Audience = "SupportChat",
            Claims = claims,
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestApp.JwtSecret)), SecurityAlgorithms.HmacSha256),
        });

    /// <summary>The token's payload, decoded without validation.</summary>
    public static JsonWebToken Read(string token) => new(token);
}
