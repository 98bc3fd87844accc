using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SupportChat.Common.Data;

namespace SupportChat.Tests.Support;

/// <summary>What the HTTP and socket helpers need: the in-process <see cref="TestApp"/> or a <see cref="ServiceProcess"/>.</summary>
public interface ITestService
{
    HttpClient Http { get; }
    Uri SocketUri(string? token, string path = "/ws");
}

/// <summary>A user signed up and logged in through the API, with an <see cref="HttpClient"/> that sends their token.</summary>
public sealed record SignedInUser(TestUser User, HttpClient Client)
{
    public string Id => User.Id;
    public string Token => User.Token;
}

/// <summary>
/// The real app on a real Kestrel port with its own database: one per test class, in the shape of
/// FastEndpoints.Testing's <c>AppFixture</c> (not served here): <see cref="SetupAsync"/> runs once after the start,
/// <see cref="Client"/> is anonymous, and <see cref="Admin"/>, <see cref="Supervisor"/>, <see cref="Agent"/> (one of
/// the supervisor's agents) and <see cref="Candidate"/> are clients already signed in, created through the API.
/// FastEndpoints' own typed client extensions (<c>POSTAsync&lt;TEndpoint, TRequest, TResponse&gt;</c>, ...) work on
/// all of them. Subclasses add settings for the tests of one configuration.
/// </summary>
public class TestApp : WebApplicationFactory<Program>, ITestService, IAsyncLifetime
{
    public const string JwtSecret = "a-test-only-secret-long-enough-for-hmac-sha256";

    public TestDatabase Database { get; } = TestDatabase.Create();

    /// <summary>Everything the app logged, to check what must never be logged.</summary>
    public LogCapture Logs { get; } = new();

    public TestApp() => UseKestrel(0);

    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    protected override IHost CreateHost(IHostBuilder builder)
    {
        // Host configuration is seen by Program.cs before Build(); app configuration would arrive too late.
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = Database.Provider,
            ["Database:ConnectionString"] = Database.ConnectionString,
            ["Jwt:Secret"] = JwtSecret,
            // bcrypt's minimum cost: the suite signs up and logs in thousands of users; PasswordHashingTests checks the default.
            ["Passwords:BcryptWorkFactor"] = "4",
            // Off: the suite signs up hundreds of users from one address and sends thousands of messages per user.
            // RateLimitTests turns them on.
            ["RateLimit:LoginPerMinute"] = "0",
            ["RateLimit:SignupPerMinute"] = "0",
            ["RateLimit:MessagesPerSecond"] = "0",
        }).AddInMemoryCollection(RedisSettings()).AddInMemoryCollection(Settings));   // later sources win: a subclass may replace any of the above
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        return base.CreateHost(builder);
    }

    /// <summary>The suite's Redis in its Redis pass (see <see cref="TestRedis"/>), under this app's own key prefix; nothing otherwise.</summary>
    IEnumerable<KeyValuePair<string, string?>> RedisSettings() => TestRedis.Configuration is { } redis
        ? [new("Redis:Configuration", redis), new("Redis:KeyPrefix", Database.RedisKeyPrefix)]
        : [];

    HttpClient? _http;
    /// <summary>A client with no credentials; <see cref="ApiClient"/> adds a token per request.</summary>
    public HttpClient Http => _http ??= CreateClient();

    /// <summary>The anonymous client, under FastEndpoints.Testing's name.</summary>
    public HttpClient Client => Http;

    public SignedInUser Admin { get; private set; } = null!;
    public SignedInUser Supervisor { get; private set; } = null!;
    /// <summary>An agent of <see cref="Supervisor"/>.</summary>
    public SignedInUser Agent { get; private set; } = null!;
    public SignedInUser Candidate { get; private set; } = null!;

    /// <summary>Once per app, after the server started: signs up and logs in one user of each role.</summary>
    protected virtual async Task SetupAsync()
    {
        Admin = SignedIn(await this.NewUserAsync("admin"));
        Supervisor = SignedIn(await this.NewUserAsync("supervisor"));
        Agent = SignedIn(await this.NewUserAsync("agent", Supervisor.Id));
        Candidate = SignedIn(await this.NewUserAsync("candidate"));
    }

    /// <summary>A client that sends <paramref name="user"/>'s token on every request.</summary>
    public SignedInUser SignedIn(TestUser user)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", user.Token);
        return new(user, client);
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        StartServer();
        await SetupAsync();
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public Uri SocketUri(string? token, string path = "/ws")
    {
        StartServer();
        return new UriBuilder(ClientOptions.BaseAddress) { Scheme = "ws", Path = path, Query = token is null ? "" : $"token={token}" }.Uri;
    }

    /// <summary>Every FastEndpoints route the app maps: verb (upper case), path as written ("/conversations/{id}") and its definition.</summary>
    internal IEnumerable<(string Method, string Path, FastEndpoints.EndpointDefinition Definition)> ServedEndpoints() =>
        Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<FastEndpoints.EndpointDefinition>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods
                .Select(m => (m, $"/{e.RoutePattern.RawText!.TrimStart('/')}", e.Metadata.GetMetadata<FastEndpoints.EndpointDefinition>()!)));

    /// <summary>Direct database access, for states the API cannot reach cheaply and for checking what was persisted.</summary>
    internal async Task<T> WithDbAsync<T>(Func<SupportChatDb, Task<T>> work)
    {
        StartServer();
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<SupportChatDb>());
    }

    bool _disposed;

    /// <summary>xunit disposes a fixture both as <see cref="IAsyncLifetime"/> and as <see cref="IDisposable"/>: drop once.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await base.DisposeAsync();
        await Database.DropAsync();
    }
}
