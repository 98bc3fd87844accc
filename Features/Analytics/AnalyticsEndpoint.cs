using FastEndpoints;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;

namespace SupportChat.Features.Analytics;

/// <summary>GET /admin/analytics, admins only: per supervisor, how many agents and how many closed conversations they handled.</summary>
sealed class AnalyticsEndpoint(SupportChatDb db) : EndpointWithoutRequest<Envelope<List<AnalyticsRow>>>
{
    public override void Configure()
    {
        Get("/admin/analytics");
        Roles(Access.RolesThatMay(Permission.Administer));
        Summary(s =>
        {
            s.Summary = "Analytics per supervisor";
            s.Description = "One row per supervisor, those without agents included, ordered by name (ordinal), then id. "
                + "conversationsHandled counts closed conversations whose agent is one of the supervisor's agents.";
        });
    }

    public override async Task HandleAsync(CancellationToken ct) => await Send.OkAsync(Envelope.Of(await db.GetSupervisorStatsAsync(ct)), ct);
}
