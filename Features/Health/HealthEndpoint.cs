using FastEndpoints;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SupportChat.Common.Data;
using SupportChat.Common.Http;

namespace SupportChat.Features.Health;

sealed record HealthResponse(string Status);

/// <summary>GET /health/live, anyone: the process answers (Fly.io's and load balancers' liveness probe).</summary>
sealed class HealthLiveEndpoint : EndpointWithoutRequest<Envelope<HealthResponse>>
{
    public override void Configure()
    {
        Get("/health/live");
        AllowAnonymous();
        Summary(s => s.Summary = "Liveness: the process answers");
    }

    public override Task HandleAsync(CancellationToken ct) => Send.OkAsync(Envelope.Of(new HealthResponse(nameof(HealthStatus.Healthy))), ct);
}

/// <summary>GET /health/ready, anyone: the process and every check tagged <see cref="ReadyTag"/> (the database) answer; 503 otherwise.</summary>
sealed class HealthReadyEndpoint(HealthCheckService health) : EndpointWithoutRequest<Envelope<HealthResponse>>
{
    public const string ReadyTag = "ready";

    public override void Configure()
    {
        Get("/health/ready");
        AllowAnonymous();
        Description(route => route.ProducesErrors(503));
        Summary(s => s.Summary = "Readiness: the process and its database answer");
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(ReadyTag), ct);
        if (report.Status == HealthStatus.Healthy) { await Send.OkAsync(Envelope.Of(new HealthResponse(report.Status.ToString())), ct); return; }
        var failing = string.Join(", ", report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => e.Key));
        await Send.FailAsync(StatusCodes.Status503ServiceUnavailable, $"Service unavailable: {failing}", ct);
    }
}

/// <summary>The database answers a trivial query.</summary>
sealed class DatabaseHealthCheck(SupportChatDb db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct) =>
        await db.Database.CanConnectAsync(ct) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy();
}
