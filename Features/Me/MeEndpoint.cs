using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Http;
using SupportChat.Common.Data;

namespace SupportChat.Features.Me;

sealed record MeResponse(
    [property: JsonPropertyName("_id")] ObjectId Id,
    string Name,
    string Email,
    string Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ObjectId? SupervisorId);

/// <summary>GET /auth/me, any signed-in user: the caller's own profile.</summary>
sealed class MeEndpoint : IEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapGet("/auth/me", Handle)
        .RequireRoles(Roles.All)
        .Produces<Envelope<MeResponse>>()
        .ProducesErrors(401)
        .WithName("Me").WithTags("Auth").WithSummary("Who am I");

    static async Task<IResult> Handle(ClaimsPrincipal caller, SupportChatDb db, CancellationToken ct)
    {
        var id = caller.UserId();
        var me = await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new MeResponse(u.Id, u.Name, u.Email, u.Role, u.SupervisorId))
            .SingleOrDefaultAsync(ct);
        // A signed token whose user is gone (a wiped database) is as good as no token.
        return me is null ? ApiResult.Fail(401, ErrorMessages.Unauthorized) : ApiResult.Ok(me);
    }
}
