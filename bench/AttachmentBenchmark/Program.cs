// Starts the built service (SupportChat.dll) on a fresh database, then uploads and downloads a 10 KiB file (the
// baseline) and a 10 MiB file, N times each, A B A B, sampling the server's resident memory every 5 ms from /proc.
// Reports per-operation times as ratios to the baseline's and the server's peak RSS growth above its idle level.
//   dotnet run -c Release --project bench/AttachmentBenchmark -- [--dll path/SupportChat.dll] [--rounds 10] [--postgres "Host=...;Database=...;Username=..."]
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

var dll = Arg("--dll") ?? Path.GetFullPath("bin/Release/net10.0/SupportChat.dll");
var rounds = int.Parse(Arg("--rounds") ?? "10");
var postgres = Arg("--postgres");
var sqlite = Path.Combine(Path.GetTempPath(), $"attachment-bench-{Guid.NewGuid():N}.db");
var port = FreePort();
var start = new ProcessStartInfo("dotnet", [dll])
{
    WorkingDirectory = Path.GetDirectoryName(dll)!,
    RedirectStandardOutput = true,
    RedirectStandardError = true,
    Environment =
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        ["Jwt__Secret"] = "attachment-benchmark-secret-long-enough-for-hmac",
        ["Passwords__BcryptWorkFactor"] = "4",
        ["RateLimit__SignupPerMinute"] = "0",
        ["RateLimit__LoginPerMinute"] = "0",
        ["Database__Provider"] = postgres is null ? "Sqlite" : "Postgres",
        ["Database__ConnectionString"] = postgres ?? $"Data Source={sqlite}",
        ["Logging__LogLevel__Default"] = "Warning",
        ["DOTNET_TC_CallCountingDelayMs"] = "0",
    },
};
using var server = Process.Start(start)!;
server.OutputDataReceived += (_, _) => { };
server.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"server: {e.Data}"); };
server.BeginOutputReadLine();
server.BeginErrorReadLine();
try
{
    using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
    await WaitReadyAsync(http);
    var supervisor = await SignUpAsync(http, "supervisor");
    var candidate = await SignUpAsync(http, "candidate");
    var conversation = await PostJsonAsync(http, "/conversations", new { supervisorId = supervisor.Id }, candidate.Token);
    var conversationId = conversation.GetProperty("_id").GetString()!;

    var small = Pdf(10 * 1024);
    var large = Pdf(10 * 1024 * 1024);
    for (var i = 0; i < 5; i++) { await RoundTripAsync(small); await RoundTripAsync(large); }   // warm-up: JIT, pools, page cache
    await Task.Delay(500);
    var idleRss = Rss(server.Id);

    var smallRuns = new List<(double Up, double Down, long PeakRss)>();
    var largeRuns = new List<(double Up, double Down, long PeakRss)>();
    for (var i = 0; i < rounds; i++)
    {
        smallRuns.Add(await MeasuredAsync(small));
        largeRuns.Add(await MeasuredAsync(large));
    }

    Console.WriteLine($"AttachmentBenchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {(postgres is null ? "SQLite" : "PostgreSQL")}, {rounds} rounds, " +
        $"{Environment.ProcessorCount} cores, server idle RSS after warm-up {Mib(idleRss):F1} MiB");
    Report("10 KiB (baseline)", small.Length, smallRuns, smallRuns, idleRss);
    Report("10 MiB", large.Length, largeRuns, smallRuns, idleRss);
    return 0;

    async Task<(double Up, double Down, long PeakRss)> MeasuredAsync(byte[] file)
    {
        using var sampler = new RssSampler(server.Id);
        var (up, down) = await RoundTripAsync(file);
        return (up, down, await sampler.StopAsync());
    }

    async Task<(double Up, double Down)> RoundTripAsync(byte[] file)
    {
        var clock = Stopwatch.StartNew();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(file), "file", "bench.pdf" } };
        using var upload = new HttpRequestMessage(HttpMethod.Post, $"/conversations/{conversationId}/attachments") { Content = form };
        upload.Headers.Authorization = new("Bearer", candidate.Token);
        using var uploaded = await http.SendAsync(upload);
        var body = await uploaded.Content.ReadFromJsonAsync<JsonElement>();
        if ((int)uploaded.StatusCode != 201) throw new InvalidOperationException($"upload: {(int)uploaded.StatusCode} {body}");
        var up = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        using var download = new HttpRequestMessage(HttpMethod.Get, $"/attachments/{body.GetProperty("data").GetProperty("_id").GetString()}");
        download.Headers.Authorization = new("Bearer", candidate.Token);
        using var downloaded = await http.SendAsync(download, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await downloaded.Content.ReadAsStreamAsync();
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0) total += read;
        if (total != file.Length) throw new InvalidOperationException($"download: {total} bytes of {file.Length}");
        return (up, clock.Elapsed.TotalMilliseconds);
    }
}
finally
{
    server.Kill(entireProcessTree: true);
    await server.WaitForExitAsync();
    foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(sqlite) + "*")) File.Delete(file);
}

static void Report(string label, int size, List<(double Up, double Down, long PeakRss)> runs, List<(double Up, double Down, long PeakRss)> baseline, long idleRss)
{
    double Median(IEnumerable<double> values) { var sorted = values.Order().ToArray(); return sorted[sorted.Length / 2]; }
    var up = Median(runs.Select(r => r.Up));
    var down = Median(runs.Select(r => r.Down));
    var growth = runs.Max(r => r.PeakRss) - idleRss;
    Console.WriteLine($"{label,-18} upload p50 {up,8:F1} ms ({up / Median(baseline.Select(r => r.Up)),6:F1}x baseline)   " +
        $"download p50 {down,8:F1} ms ({down / Median(baseline.Select(r => r.Down)),6:F1}x baseline)   " +
        $"server peak RSS above idle {Mib(growth),6:F1} MiB ({growth / (double)size,5:F2}x the file)");
}

static double Mib(long bytes) => bytes / 1024.0 / 1024.0;

static byte[] Pdf(int size)
{
    var bytes = new byte[size];
    new Random(size).NextBytes(bytes);
    "%PDF-1.7\n"u8.CopyTo(bytes);
    return bytes;
}

static long Rss(int pid)
{
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        if (line.StartsWith("VmRSS:")) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    return 0;
}

static int FreePort()
{
    using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

static async Task WaitReadyAsync(HttpClient http)
{
    for (var i = 0; i < 300; i++)
    {
        try { if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return; }
        catch (HttpRequestException) { }
        await Task.Delay(100);
    }
    throw new InvalidOperationException("the service did not become ready");
}

static async Task<JsonElement> PostJsonAsync(HttpClient http, string path, object body, string? token = null)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
    if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var response = await http.SendAsync(request);
    var json = await response.Content.ReadFromJsonAsync<JsonElement>();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {json}");
    return json.GetProperty("data");
}

static async Task<(string Id, string Token)> SignUpAsync(HttpClient http, string role)
{
    var email = $"{role}-{Guid.NewGuid():N}@bench.example.com";
    var id = (await PostJsonAsync(http, "/auth/signup", new { name = role, email, password = "secret123!", role })).GetProperty("_id").GetString()!;
    var token = (await PostJsonAsync(http, "/auth/login", new { email, password = "secret123!" })).GetProperty("token").GetString()!;
    return (id, token);
}

string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

/// <summary>The server's resident memory, sampled every 5 ms until stopped; the peak.</summary>
sealed class RssSampler : IDisposable
{
    readonly CancellationTokenSource _stop = new();
    readonly Task<long> _sampling;

    public RssSampler(int pid) => _sampling = Task.Run(async () =>
    {
        long peak = 0;
        while (!_stop.IsCancellationRequested)
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmRSS:")) peak = Math.Max(peak, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024);
            try { await Task.Delay(5, _stop.Token); } catch (OperationCanceledException) { }
        }
        return peak;
    });

    public async Task<long> StopAsync()
    {
        _stop.Cancel();
        return await _sampling;
    }

    public void Dispose() => _stop.Dispose();
}
