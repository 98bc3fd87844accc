using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace SupportChat.Common.Auth;

static class ClaimsPrincipalExtensions
{
    /// <summary>The caller's id; only called behind authorization, where a valid token guarantees the claim.</summary>
    public static ObjectId UserId(this ClaimsPrincipal user) => ObjectId.Parse(user.FindFirstValue(Claims.UserId)!);

    public static string Role(this ClaimsPrincipal user) => user.FindFirstValue(Claims.Role)!;

    /// <summary>Authentication plus one of <paramref name="roles"/>: 401 without a valid token, 403 with the wrong role.</summary>
    public static TBuilder RequireRoles<TBuilder>(this TBuilder route, params string[] roles) where TBuilder : IEndpointConventionBuilder =>
        route.RequireAuthorization(new AuthorizeAttribute { Roles = string.Join(',', roles) });
}
