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

    /// <summary>The token's payload, decoded without validation.</summary>
    public static JsonWebToken Read(string token) => new(token);
}
