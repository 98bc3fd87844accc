using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace SupportChat.Common.Auth;

static class JwtSetup
{
    /// <summary>Bearer authentication for HTTP; the WebSocket endpoint validates its query token with the same settings.</summary>
    public static IServiceCollection AddJwtAuth(this IServiceCollection services, JwtSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton<TokenIssuer>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;   // keep the token's own claim names: userId, role
            options.TokenValidationParameters = settings.ValidationParameters;
        });
        services.AddAuthorization();
        return services;
    }
}
