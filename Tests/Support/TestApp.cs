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

/// <summary>The real app on a real Kestrel port with its own database: one per test class.
/// Subclasses add settings for the tests of one configuration.</summary>
public class TestApp : WebApplicationFactory<Program>, ITestService
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
        }).AddInMemoryCollection(Settings));   // later sources win: a subclass may replace any of the above
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        return base.CreateHost(builder);
    }

    HttpClient? _http;
    /// <summary>A client with no credentials; <see cref="ApiClient"/> adds a token per request.</summary>
    public HttpClient Http => _http ??= CreateClient();

    public Uri SocketUri(string? token, string path = "/ws")
    {
        StartServer();
        return new UriBuilder(ClientOptions.BaseAddress) { Scheme = "ws", Path = path, Query = token is null ? "" : $"token={token}" }.Uri;
    }

    /// <summary>Direct database access, for states the API cannot reach cheaply and for checking what was persisted.</summary>
    internal async Task<T> WithDbAsync<T>(Func<SupportChatDb, Task<T>> work)
    {
        StartServer();
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<SupportChatDb>());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DropAsync();
    }
}
