using System.Diagnostics;
using System.Security.Claims;
using SupportChat.Common.Auth;

namespace SupportChat.Common.Http;

/// <summary>
/// One line per request: method, path, status, duration, user id and role. Never the query string (the WebSocket
/// token travels there), headers or bodies (tokens, passwords, message contents).
/// </summary>
static partial class RequestLogging
{
    /// <summary>Outermost, so it sees the status the error handling finally chose.</summary>
    public static void UseRequestLogging(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SupportChat.Requests");
        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                LogRequest(logger, context.Request.Method, context.Request.Path.Value ?? "", context.Response.StatusCode,
                    Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1),
                    context.User.FindFirstValue(Claims.UserId) ?? "-", context.User.FindFirstValue(Claims.Role) ?? "-");
            }
        });
    }

    [LoggerMessage(LogLevel.Information, "{Method} {Path} {Status} in {DurationMs} ms (user {UserId}, role {Role})")]
    static partial void LogRequest(ILogger logger, string method, string path, int status, double durationMs, string userId, string role);
}
