using System.Text.Json.Serialization;
using FastEndpoints;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;

namespace SupportChat.Features.Me;

sealed record MeResponse(
    [property: JsonPropertyName("_id")] ObjectId Id,
    string Name,
    string Email,
    string Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ObjectId? SupervisorId);

/// <summary>GET /auth/me, any signed-in user: the caller's own profile.</summary>
sealed class MeEndpoint(SupportChatDb db) : EndpointWithoutRequest<Envelope<MeResponse>>
{
    public override void Configure()
    {
        Get("/auth/me");
        Roles(Access.RolesThatMay(Permission.ViewProfile));
        Summary(s => s.Summary = "Who am I");
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var id = User.UserId();
        var me = await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new MeResponse(u.Id, u.Name, u.Email, u.Role, u.SupervisorId))
            .SingleOrDefaultAsync(ct);
        // A signed token whose user is gone (a wiped database) is as good as no token.
        if (me is null) { await Send.FailAsync(401, ErrorMessages.Unauthorized, ct); return; }
        await Send.OkAsync(Envelope.Of(me), ct);
    }
}
