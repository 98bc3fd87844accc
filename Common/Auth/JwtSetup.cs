using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace SupportChat.Common.Auth;

static class JwtSetup
{
    /// <summary>Bearer authentication for HTTP; the WebSocket endpoint validates its query token with the same settings.</summary>
    public static IServiceCollection AddJwtAuth(this IServiceCollection services, JwtSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<LiveUsers>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;   // keep the token's own claim names: userId, role
            options.TokenValidationParameters = settings.ValidationParameters;
            options.Events = new JwtBearerEvents
            {
                // A signed token of a user who is gone, or who no longer has the role it names, counts as no token (401).
                OnTokenValidated = async context =>
                {
                    var principal = context.Principal!;
                    // Exactly one of each: a role claim that is an array would otherwise pass every role check it lists.
                    var valid = principal.FindAll(Claims.UserId).Count() == 1 && principal.FindAll(Claims.Role).Count() == 1
                        && ObjectId.TryParse(principal.FindFirst(Claims.UserId)?.Value, out var userId)
                        && principal.FindFirst(Claims.Role)?.Value is { } role
                        && await context.HttpContext.RequestServices.GetRequiredService<LiveUsers>().HasRoleAsync(userId, role, context.HttpContext.RequestAborted);
                    if (!valid) context.Fail("The token's user does not exist or no longer has its role.");
                },
            };
        });
        services.AddAuthorization();
        return services;
    }
}
