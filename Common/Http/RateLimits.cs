using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.RateLimiting;

namespace SupportChat.Common.Http;

/// <summary>
/// CONTRACT.md Part 2 "Limits", each 0 = off: <c>RateLimit__LoginPerMinute</c> (failed logins per email; 10× that per
/// client address), <c>RateLimit__SignupPerMinute</c> (per client address), <c>RateLimit__MessagesPerSecond</c> (per
/// user over WebSocket and HTTP together, with a burst of twice that). <c>ForwardedHeaders__KnownNetworks</c>: CIDR
/// list of proxies whose <c>Fly-Client-IP</c> / <c>X-Forwarded-For</c> name the client; anyone else's are ignored.
/// The limits hold per process: with N instances behind a balancer a client gets up to N times each budget.
/// </summary>
sealed record RateLimitSettings(int LoginPerMinute, int SignupPerMinute, int MessagesPerSecond, IReadOnlyList<IPNetwork> KnownNetworks)
{
    /// <summary>Reads the settings; null, with the reason in <paramref name="problem"/>, when the service must not start.</summary>
    public static RateLimitSettings? Load(IConfiguration configuration, out string problem)
    {
        problem = "";
        int Read(string key, int fallback, ref string problem)
        {
            if (configuration.WholeNumber(key, fallback) is >= 0 and var value) return value;
            problem = $"{key.Replace(":", "__")} must be a whole number, 0 or more (0 turns the limit off).";
            return fallback;
        }
        var login = Read("RateLimit:LoginPerMinute", 10, ref problem);
        var signup = Read("RateLimit:SignupPerMinute", 30, ref problem);
        var messages = Read("RateLimit:MessagesPerSecond", 10, ref problem);
        var networks = new List<IPNetwork>();
        foreach (var cidr in configuration["ForwardedHeaders:KnownNetworks"]?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [])
        {
            if (IPNetwork.TryParse(cidr, out var network)) networks.Add(network);
            else problem = $"ForwardedHeaders__KnownNetworks: '{cidr}' is not a CIDR network such as 172.16.0.0/12.";
        }
        return problem.Length > 0 ? null : new RateLimitSettings(login, signup, messages, networks);
    }
}

/// <summary>The limits on ASP.NET Core's rate limiting (System.Threading.RateLimiting); per process, in memory.</summary>
static class RateLimits
{
    public const string SignupPolicy = "signup";
    const string FlyClientIp = "Fly-Client-IP";

    public static IServiceCollection AddRateLimits(this IServiceCollection services, RateLimitSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<MessageBudget>();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            // The framework trusts loopback by default; the contract trusts only the configured proxies.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var network in settings.KnownNetworks) o.KnownIPNetworks.Add(network);
        });
        return services.AddRateLimiter(o =>
        {
            o.OnRejected = (context, _) =>
            {
                SetRetryAfter(context.HttpContext.Response, context.Lease);
                context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;   // the status-code page writes the envelope
                return ValueTask.CompletedTask;
            };
            o.AddPolicy(SignupPolicy, context => settings.SignupPerMinute == 0
                ? RateLimitPartition.GetNoLimiter("")
                : RateLimitPartition.GetFixedWindowLimiter(ClientAddress(context), _ => PerMinute(settings.SignupPerMinute)));
        });
    }

    /// <summary>Before anything reads the client address: a trusted proxy's headers replace the TCP peer.</summary>
    public static void UseClientAddress(this WebApplication app)
    {
        var networks = app.Services.GetRequiredService<RateLimitSettings>().KnownNetworks;
        // With no known network the framework's middleware would trust every peer's headers: not used at all then.
        if (networks.Count == 0) return;
        // Fly's proxy names the client in Fly-Client-IP as well as in X-Forwarded-For; the framework reads only the latter.
        app.Use((context, next) =>
        {
            if (context.Connection.RemoteIpAddress is { } peer && networks.Any(n => n.Contains(Unmapped(peer)))
                && IPAddress.TryParse(context.Request.Headers[FlyClientIp], out var client))
            {
                context.Connection.RemoteIpAddress = client;
                context.Request.Headers.Remove("X-Forwarded-For");   // already resolved: nothing else may replace it
            }
            return next(context);
        });
        app.UseForwardedHeaders();
    }

    /// <summary>The client's address as the limits see it (after <see cref="UseClientAddress"/>).</summary>
    public static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress is { } address ? Unmapped(address).ToString() : "";

    /// <summary>A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d; one client, one key, whichever form.</summary>
    static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>Retry-After in whole seconds, rounded up (RFC 9110 §10.2.3).</summary>
    public static void SetRetryAfter(HttpResponse response, RateLimitLease lease)
    {
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
    }

    public static FixedWindowRateLimiterOptions PerMinute(int permits) =>
        new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };
}

/// <summary>
/// Failed logins per email (case-insensitive) and, ten times as many, per client address. Only failures count, so a
/// rate limiting middleware that counts every request does not fit: the login handler asks before it verifies and
/// records after a failure. While a budget is spent even the right password is refused, or guessing would go on.
/// </summary>
sealed class LoginThrottle(RateLimitSettings settings) : IDisposable
{
    readonly PartitionedRateLimiter<string> _byEmail = PartitionedRateLimiter.Create<string, string>(email =>
        RateLimitPartition.GetFixedWindowLimiter(email, _ => RateLimits.PerMinute(settings.LoginPerMinute)));
    readonly PartitionedRateLimiter<string> _byAddress = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => RateLimits.PerMinute(settings.LoginPerMinute * 10)));

    /// <summary>Null while both budgets have room; otherwise a spent lease whose metadata says when to retry.</summary>
    public RateLimitLease? Refusal(string email, string address)
    {
        if (settings.LoginPerMinute == 0) return null;
        foreach (var (limiter, key) in new[] { (_byEmail, email), (_byAddress, address) })
        {
            var probe = limiter.AttemptAcquire(key, 0);   // zero permits: asks without spending
            if (!probe.IsAcquired) return probe;
            probe.Dispose();
        }
        return null;
    }

    /// <summary>Spends one permit of each budget for a failed login.</summary>
    public void RecordFailure(string email, string address)
    {
        if (settings.LoginPerMinute == 0) return;
        _byEmail.AttemptAcquire(email).Dispose();
        _byAddress.AttemptAcquire(address).Dispose();
    }

    public void Dispose()
    {
        _byEmail.Dispose();
        _byAddress.Dispose();
    }
}

/// <summary>Messages per user, WebSocket and HTTP sends together, across all of the user's sockets and tokens: a token bucket of twice the rate.</summary>
sealed class MessageBudget(RateLimitSettings settings) : IDisposable
{
    readonly PartitionedRateLimiter<ObjectId> _byUser = PartitionedRateLimiter.Create<ObjectId, ObjectId>(user =>
        RateLimitPartition.GetTokenBucketLimiter(user, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.MessagesPerSecond * 2,
            TokensPerPeriod = settings.MessagesPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
        }));

    /// <summary>True and one message spent if the user has room; false means refuse the message (<c>Too many messages</c>).</summary>
    public bool TrySpend(ObjectId userId) => TrySpend(userId, out _);

    /// <summary>As <see cref="TrySpend(ObjectId)"/>; when refused, <paramref name="retryAfterSeconds"/> is when to try again
    /// (whole seconds, at least 1), for an HTTP send's <c>Retry-After</c>.</summary>
    public bool TrySpend(ObjectId userId, out int retryAfterSeconds)
    {
        retryAfterSeconds = 0;
        if (settings.MessagesPerSecond == 0) return true;
        using var lease = _byUser.AttemptAcquire(userId);
        if (lease.IsAcquired) return true;
        retryAfterSeconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        return false;
    }

    public void Dispose() => _byUser.Dispose();
}
