namespace SupportChat.Tests.Support;

/// <summary>
/// Two processes of the built service on one PostgreSQL database and one Redis under one key prefix: a scale-out
/// deployment in small, for the Redis pass only (tests marked <c>[Trait("Engine", "Redis")]</c>). An instance is 0
/// or 1; one that is killed or terminated can be started again as the same deployment, on a new port.
/// </summary>
public sealed class TwoInstances : IAsyncDisposable
{
    readonly ServiceProcess?[] _instances = new ServiceProcess?[2];
    readonly Dictionary<string, string> _settings;

    TwoInstances(TestDatabase database, string redisConfiguration, IDictionary<string, string>? settings)
    {
        Database = database;
        RedisConfiguration = redisConfiguration;
        _settings = new(settings ?? new Dictionary<string, string>())
        {
            ["Redis__Configuration"] = redisConfiguration,
            ["Redis__KeyPrefix"] = database.RedisKeyPrefix,
        };
    }

    /// <summary>The database both instances use; dropped on dispose.</summary>
    public TestDatabase Database { get; }

    /// <summary>The Redis both instances use.</summary>
    public string RedisConfiguration { get; }

    /// <summary>The key prefix both instances use, and no other test.</summary>
    public string KeyPrefix => Database.RedisKeyPrefix;

    /// <summary>The running instance 0 or 1 (its <see cref="ServiceProcess.BaseAddress"/>, <see cref="ServiceProcess.Http"/>, <see cref="ServiceProcess.SocketUri"/>).</summary>
    public ServiceProcess this[int instance] => _instances[instance] ?? throw new InvalidOperationException($"Instance {instance} is not running.");

    /// <summary>Instance 0.</summary>
    public ServiceProcess A => this[0];

    /// <summary>Instance 1.</summary>
    public ServiceProcess B => this[1];

    /// <summary>
    /// Starts both instances on a new database and <paramref name="redisConfiguration"/> (by default the suite's Redis),
    /// with <paramref name="settings"/> (environment variables, as for <see cref="ServiceProcess.StartAsync"/>) on both.
    /// </summary>
    public static async Task<TwoInstances> StartAsync(string? redisConfiguration = null, IDictionary<string, string>? settings = null)
    {
        if (!TestDatabase.IsPostgres) throw new InvalidOperationException("Two instances need PostgreSQL: run them in the redis pass of scripts/test.sh.");
        var redis = redisConfiguration ?? TestRedis.Configuration
            ?? throw new InvalidOperationException("Two instances need Redis: SUPPORTCHAT_TEST_REDIS is not set (scripts/test.sh sets it in its redis pass).");
        var pair = new TwoInstances(TestDatabase.Create(), redis, settings);
        try
        {
            // One after the other: the first creates and migrates the database, which two at once would race on.
            await pair.StartAgainAsync(0);
            await pair.StartAgainAsync(1);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL to one instance: no shutdown code runs, as in a crash; the other goes on.</summary>
    public async Task KillAsync(int instance)
    {
        var process = this[instance];
        _instances[instance] = null;
        await process.CrashAsync();
        await process.DisposeAsync();
    }

    /// <summary>SIGTERM to one instance, as a rolling deploy sends; returns its exit code.</summary>
    public async Task<int> TerminateAsync(int instance)
    {
        var process = this[instance];
        _instances[instance] = null;
        try
        {
            return await process.TerminateAsync();
        }
        finally
        {
            await process.DisposeAsync();
        }
    }

    /// <summary>Starts a stopped instance again with the same database, Redis and settings; it listens on a new port.</summary>
    public async Task<ServiceProcess> StartAgainAsync(int instance)
    {
        if (_instances[instance] is not null) throw new InvalidOperationException($"Instance {instance} is running.");
        return _instances[instance] = await ServiceProcess.StartAsync(Database, _settings);
    }

    /// <summary>Kills whatever instance runs and drops the database.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var process in _instances) if (process is not null) await process.DisposeAsync();
        Array.Clear(_instances);
        await Database.DropAsync();
    }
}
