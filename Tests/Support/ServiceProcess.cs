using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace SupportChat.Tests.Support;

/// <summary>The built service as its own OS process, as it runs in production: for restarts and signals.</summary>
public sealed partial class ServiceProcess : ITestService, IAsyncDisposable
{
    const int SigTerm = 15;
    readonly Process _process;
    readonly List<string> _output = [];

    ServiceProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Known once the service has logged the address it listens on (see <see cref="StartAsync"/>).</summary>
    public Uri BaseAddress { get; private set; } = null!;
    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    /// <summary>The address from the host's "Now listening on: …" line, once written.</summary>
    Uri? ListeningAddress()
    {
        lock (_output)
            foreach (var line in _output)
                if (ListeningLine().Match(line) is { Success: true } match) return new Uri(match.Groups[1].Value);
        return null;
    }

    [GeneratedRegex(@"Now listening on: (http://[^""\s\\]+)")]
    private static partial Regex ListeningLine();

    HttpClient? _http;
    public HttpClient Http => _http ??= new HttpClient { BaseAddress = BaseAddress };

    public Uri SocketUri(string? token, string path = "/ws") =>
        new UriBuilder(BaseAddress) { Scheme = "ws", Path = path, Query = token is null ? "" : $"token={token}" }.Uri;

    /// <summary>
    /// Starts the service on a loopback port of the kernel's choosing (port 0: a port picked here and freed before the
    /// service binds it could be taken meanwhile by another test's server) and waits until /health/ready answers 200.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(TestDatabase database, IDictionary<string, string>? settings = null)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "SupportChat.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                ["Jwt__Secret"] = TestApp.JwtSecret,
                ["Passwords__BcryptWorkFactor"] = "4",
                ["RateLimit__SignupPerMinute"] = "0",
                ["RateLimit__MessagesPerSecond"] = "0",
                ["Database__Provider"] = database.Provider,
                ["Database__ConnectionString"] = database.ConnectionString,
            },
        };
        if (TestRedis.Configuration is { } redis)
        {
            // The database's prefix: a restart on the same database is the same deployment and must find its keys.
            start.Environment["Redis__Configuration"] = redis;
            start.Environment["Redis__KeyPrefix"] = database.RedisKeyPrefix;
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start)!;
        var service = new ServiceProcess(process);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (service.ListeningAddress() is { } address)
            {
                service.BaseAddress = address;
                using var http = new HttpClient { BaseAddress = address };
                try
                {
                    if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return service;
                }
                catch (HttpRequestException)
                {
                    // not serving yet
                }
            }
            await Task.Delay(100);
        }
        await service.DisposeAsync();
        throw new InvalidOperationException($"The service did not become ready:\n{service.Output}");
    }

    /// <summary>Sends SIGTERM, as a deploy or `fly machine restart` does, and waits for the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        Kill(_process.Id, SigTerm).ShouldBe(0);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an out-of-memory kill.</summary>
    public async Task CrashAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
