using StackExchange.Redis;
using SupportChat.Common;

namespace SupportChat.Realtime.Scaleout;

/// <summary>
/// The Redis engine's settings (issue 15): <c>Redis__Configuration</c> (a StackExchange.Redis configuration string, e.g.
/// <c>redis-host:6379,password=…</c>) or else <c>REDIS_URL</c> (<c>redis://[user][:password]@host:port</c>, what
/// <c>fly redis create</c> gives; <c>rediss://</c> for TLS); <c>Redis__KeyPrefix</c> (default <c>supportchat:</c>) starts every
/// key and channel, so deployments sharing one Redis server never see each other's conversations.
/// Neither set: the in-process engine (one instance).
/// </summary>
/// <c>Redis__FenceStaleSeconds</c> (default 10): how long sends wait on a close's fence before asking the database whether
/// that close is still alive (see <see cref="RoomStore"/>'s Redis paths).
sealed record RedisSettings(ConfigurationOptions Options, string KeyPrefix, TimeSpan FenceStaleAfter)
{
    /// <summary>
    /// The settings, null with <paramref name="problem"/> empty when Redis is not configured, or null with a problem
    /// naming the setting when it is configured wrongly: unparsable, or without PostgreSQL (every instance must read
    /// the same database, and the close commits the transcript there).
    /// </summary>
    public static RedisSettings? Load(IConfiguration configuration, bool postgres, out string problem)
    {
        problem = "";
        var configurationString = configuration["Redis:Configuration"];
        var url = configuration["REDIS_URL"];
        if (string.IsNullOrWhiteSpace(configurationString) && string.IsNullOrWhiteSpace(url)) return null;
        ConfigurationOptions options;
        try
        {
            options = !string.IsNullOrWhiteSpace(configurationString) ? ConfigurationOptions.Parse(configurationString) : FromUrl(url!);
        }
        catch (Exception e) when (e is ArgumentException or UriFormatException or FormatException)
        {
            problem = "Redis__Configuration / REDIS_URL is not a valid Redis address.";
            return null;
        }
        if (!postgres)
        {
            problem = "The Redis engine needs PostgreSQL: set Database__Provider=Postgres (or DATABASE_URL) beside Redis__Configuration / REDIS_URL.";
            return null;
        }
        // Sends during an outage are refused at once (an ERROR the client can retry), not queued behind a reconnect
        // where they would time out with an unknown outcome; the connection itself keeps retrying in the background.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = 5_000;
        // Back within a second of Redis: the default backs off exponentially, leaving sends refused for longer.
        options.ReconnectRetryPolicy = new LinearRetry(500);
        options.ClientName = "supportchat";
        var prefix = configuration["Redis:KeyPrefix"] is { Length: > 0 } p ? p : "supportchat:";
        if (configuration.WholeNumber("Redis:FenceStaleSeconds", 10) is not { } fenceStale || fenceStale < 1)
        {
            problem = "Redis__FenceStaleSeconds must be a whole number of seconds, at least 1.";
            return null;
        }
        return new RedisSettings(options, prefix, TimeSpan.FromSeconds(fenceStale));
    }

    static ConfigurationOptions FromUrl(string url)
    {
        var uri = new Uri(url);
        if (uri.Scheme is not ("redis" or "rediss")) throw new UriFormatException("not a redis:// URL");
        var options = new ConfigurationOptions { Ssl = uri.Scheme == "rediss" };
        options.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port);
        if (uri.UserInfo is { Length: > 0 } userInfo)
        {
            var colon = userInfo.IndexOf(':');
            var user = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
            var password = colon < 0 ? null : Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            if (password is null) options.Password = user;   // redis://secret@host: a bare password
            else
            {
                options.Password = password;
                if (user.Length > 0 && user != "default") options.User = user;
            }
        }
        return options;
    }
}

/// <summary>Readiness (<c>/health/ready</c>) with the Redis engine: an instance that cannot reach Redis cannot accept a message.</summary>
sealed class RedisHealthCheck(RedisTranscriptLog log) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken ct) =>
        Task.FromResult(log.IsConnected
            ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy()
            : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy());
}
