using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SupportChat.Common.Auth;

sealed class TokenIssuer(JwtSettings settings, TimeProvider clock)
{
    readonly JsonWebTokenHandler _handler = new();
    readonly SigningCredentials _credentials = new(settings.SigningKey, SecurityAlgorithms.HmacSha256);
    // Built once: every WebSocket connect validates a token, and the settings build a new set on each read.
    readonly TokenValidationParameters _validation = settings.ValidationParameters;

    public string Issue(ObjectId userId, string role)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = JwtSettings.Issuer,
            Audience = JwtSettings.Issuer,
            Subject = new ClaimsIdentity([new Claim(Claims.UserId, userId.ToString()), new Claim(Claims.Role, role)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + settings.Lifetime,
            SigningCredentials = _credentials,
        });
    }

    /// <summary>Validates a token outside the HTTP pipeline (the WebSocket query parameter): the user and role it names, or null.</summary>
    public async Task<(ObjectId UserId, string Role)?> ValidateAsync(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        var result = await _handler.ValidateTokenAsync(token, _validation);
        // Read off the token itself: a ClaimsIdentity, built on first access, costs more than these two look-ups.
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt
            || !jwt.TryGetPayloadValue<string>(Claims.UserId, out var userId) || !ObjectId.TryParse(userId, out var id))
            return null;
        return (id, jwt.TryGetPayloadValue<string>(Claims.Role, out var role) ? role : "");
    }
}
