using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;

namespace SupportChat.Features.Analytics;

/// <summary>GET /admin/analytics, admins only: per supervisor, how many agents and how many closed conversations they handled.</summary>
sealed class AnalyticsEndpoint : IEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapGet("/admin/analytics", Handle)
        .RequireRoles(Roles.Admin)
        .Produces<Envelope<List<AnalyticsRow>>>()
        .ProducesErrors(401, 403)
        .WithName("Analytics").WithTags("Admin").WithSummary("Analytics per supervisor");

    static async Task<IResult> Handle(SupportChatDb db, CancellationToken ct) => ApiResult.Ok(await db.GetSupervisorStatsAsync(ct));
}
