using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SupportChat.Common.Data;
using SupportChat.Common.Http;

namespace SupportChat.Features.Health;

sealed record HealthResponse(string Status);

/// <summary>GET /health/live (the process answers) and GET /health/ready (and its database does), for Fly.io and load balancers.</summary>
sealed class HealthEndpoint : IEndpoint
{
    public const string ReadyTag = "ready";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync });
    }

    static Task WriteAsync(HttpContext context, HealthReport report) =>
        (report.Status == HealthStatus.Healthy
            ? ApiResult.Ok(new HealthResponse(report.Status.ToString()))
            : ApiResult.Fail(StatusCodes.Status503ServiceUnavailable, $"Service unavailable: {string.Join(", ", report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => e.Key))}"))
        .ExecuteAsync(context);
}

sealed class DatabaseHealthCheck(SupportChatDb db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct) =>
        await db.Database.CanConnectAsync(ct) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy();
}
