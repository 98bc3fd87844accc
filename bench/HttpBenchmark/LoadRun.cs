using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace HttpBenchmark;

/// <summary>
/// One closed-loop run of one scenario: C clients, each sending its next request as soon as the previous one is
/// answered, for a warm-up and then a measured window. Only requests answered inside the window are counted;
/// statuses are checked over the whole run, and any unexpected one (or a transport error) makes the run invalid.
/// </summary>
static class LoadRun
{
    public static readonly string[] Scenarios = ["me", "get", "create"];

    public static async Task<int> RunAsync(CommandLine options)
    {
        var url = new Uri(options.Required("url"));
        var roster = Roster.Load(options.Required("roster"));
        var scenario = options.Required("scenario");
        var clients = options.Int("clients", roster.Readers.Count);
        var warmup = options.Number("warmup", 5);
        var duration = options.Number("duration", 10);
        var server = ProcessProbe.ForServer(options.OptionalInt("server-pid"));
        var target = options.Text("target", "");
        var pair = options.Text("pair", "");
        var label = options.Text("label", $"{scenario} {target}".Trim());
        var outPath = options.Text("out");
        options.RejectUnknown();
        if (!Scenarios.Contains(scenario)) throw new UsageException($"--scenario must be one of {string.Join(", ", Scenarios)}");
        if (clients < 1 || clients > roster.Readers.Count || clients > roster.Creators.Count)
            throw new UsageException($"--clients must be 1..{Math.Min(roster.Readers.Count, roster.Creators.Count)} (the roster's size)");
        if (warmup < 0 || duration <= 0 || warmup + duration > 600) throw new UsageException("--warmup + --duration must be more than 0 and at most 600 s");

        using var http = new HttpClient(new SocketsHttpHandler
        {
            // One connection per client, kept for the whole run, as a browser or an API gateway keeps them.
            MaxConnectionsPerServer = clients,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        })
        { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };

        var now = Stopwatch.GetTimestamp();
        var window = new Window(now + Ticks(warmup), now + Ticks(warmup + duration));
        var states = Enumerable.Range(0, clients).Select(_ => new ClientState()).ToArray();
        var loops = Enumerable.Range(0, clients).Select(i => Task.Run(() => scenario switch
        {
            "me" => ReadLoopAsync(http, window, states[i], "/auth/me", roster.Readers[i].Token),
            "get" => ReadLoopAsync(http, window, states[i], $"/conversations/{roster.Readers[i].ConversationId}", roster.Readers[i].Token),
            _ => CreateLoopAsync(http, window, states[i], roster.Creators[i], roster.Supervisor),
        })).ToArray();

        await DelayUntilAsync(window.Start);
        var (serverStart, selfStart, machineStart, windowStart) =
            (server?.CpuSeconds(), ProcessProbe.Self.CpuSeconds(), ProcessProbe.MachineBusySeconds(), Stopwatch.GetTimestamp());
        var loadAtStart = LoadAverage();
        await DelayUntilAsync(window.End);
        var (serverEnd, selfEnd, machineEnd, windowEnd) =
            (server?.CpuSeconds(), ProcessProbe.Self.CpuSeconds(), ProcessProbe.MachineBusySeconds(), Stopwatch.GetTimestamp());
        await Task.WhenAll(loops);
        var seconds = Stopwatch.GetElapsedTime(windowStart, windowEnd).TotalSeconds;

        var main = scenario;
        var requests = states.Sum(s => s.Latencies.Values.Sum(l => l.Count));
        var statuses = new SortedDictionary<int, long>();
        foreach (var (status, count) in states.SelectMany(s => s.Statuses)) statuses[status] = statuses.GetValueOrDefault(status) + count;
        var unexpected = states.Sum(s => s.Unexpected);
        var errors = states.Sum(s => s.Errors);
        var result = new RunResult
        {
            Label = label,
            Scenario = scenario,
            Target = target,
            Valid = unexpected == 0 && errors == 0 && requests > 0,
            Setup = new() { ["url"] = url.ToString(), ["clients"] = clients.ToString(), ["warmup_s"] = warmup.ToString(), ["duration_s"] = duration.ToString(), ["pair"] = pair,
                        ["load_average_start"] = loadAtStart, ["load_average_end"] = LoadAverage() },
            Statuses = statuses.ToDictionary(p => p.Key.ToString(), p => p.Value),
            Errors = states.SelectMany(s => s.ErrorSamples).Distinct().Take(5).ToList(),
        };
        result.Figures["requests"] = requests;
        result.Figures["requests_per_s"] = requests / seconds;
        AddLatencies(result, states, main, main);
        if (scenario == "create") AddLatencies(result, states, "close", "close");
        result.Figures["non_2xx"] = statuses.Where(p => p.Key is < 200 or > 299).Sum(p => p.Value);
        result.Figures["unexpected"] = unexpected;
        result.Figures["errors"] = errors;
        result.Figures["generator_cpu_cores"] = (selfEnd - selfStart) / seconds;
        if (serverStart is { } before && serverEnd is { } after)
        {
            result.Figures["server_cpu_cores"] = (after - before) / seconds;
            result.Figures["server_cpu_s_per_1000_requests"] = requests == 0 ? double.NaN : (after - before) / requests * 1000;
            result.Figures["other_cpu_cores"] = Math.Max(0, (machineEnd - machineStart - (after - before) - (selfEnd - selfStart)) / seconds);
        }

        Console.WriteLine(result.OneLine());
        if (!result.Valid)
            Console.WriteLine($"  INVALID: {unexpected} unexpected statuses ({string.Join(", ", result.Statuses.Select(p => $"{p.Key}×{p.Value}"))}), " +
                              $"{errors} transport errors{(result.Errors.Count > 0 ? ": " + string.Join(" | ", result.Errors) : "")}");
        if (outPath is not null) result.Save(outPath);
        return 0;
    }

    static void AddLatencies(RunResult result, ClientState[] states, string route, string prefix)
    {
        var ticks = states.SelectMany(s => s.Latencies.GetValueOrDefault(route) ?? []).Order().ToArray();
        result.Figures[$"{prefix}_count"] = ticks.Length;
        if (ticks.Length == 0) return;
        result.Figures[$"{prefix}_p50_ms"] = Percentile(ticks, 50);
        result.Figures[$"{prefix}_p99_ms"] = Percentile(ticks, 99);
        result.Figures[$"{prefix}_max_ms"] = Percentile(ticks, 100);
    }

    /// <summary>Nearest rank, in milliseconds: always a latency that was actually measured.</summary>
    static double Percentile(long[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)] * 1000.0 / Stopwatch.Frequency;

    static async Task ReadLoopAsync(HttpClient http, Window window, ClientState state, string path, string token)
    {
        var auth = new AuthenticationHeaderValue("Bearer", token);
        var uri = new Uri(path, UriKind.Relative);
        while (window.Open && state.MayContinue)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Authorization = auth;
            await SendAsync(http, request, HttpStatusCode.OK, window, state, path == "/auth/me" ? "me" : "get", readId: false);
        }
    }

    /// <summary>
    /// Create, then close as the supervisor, so the same candidate may create again and every create is a 201. The
    /// close is part of the load (and of the server's CPU per request) and is reported on its own line.
    /// </summary>
    static async Task CreateLoopAsync(HttpClient http, Window window, ClientState state, Account candidate, Account supervisor)
    {
        var candidateAuth = new AuthenticationHeaderValue("Bearer", candidate.Token);
        var supervisorAuth = new AuthenticationHeaderValue("Bearer", supervisor.Token);
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { supervisorId = supervisor.Id }));
        var create = new Uri("/conversations", UriKind.Relative);
        while (window.Open && state.MayContinue)
        {
            string? id;
            using (var request = new HttpRequestMessage(HttpMethod.Post, create))
            {
                request.Headers.Authorization = candidateAuth;
                request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
                id = await SendAsync(http, request, HttpStatusCode.Created, window, state, "create", readId: true);
            }
            // Without an id there is nothing to close; the next create then answers 409, counted as unexpected.
            if (id is null) continue;
            using (var request = new HttpRequestMessage(HttpMethod.Post, $"/conversations/{id}/close"))
            {
                request.Headers.Authorization = supervisorAuth;
                await SendAsync(http, request, HttpStatusCode.OK, window, state, "close", readId: false);
            }
        }
    }

    static async Task<string?> SendAsync(HttpClient http, HttpRequestMessage request, HttpStatusCode expected, Window window, ClientState state, string route, bool readId)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            // ResponseContentRead: the latency includes the whole body, as a client sees it.
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            var done = Stopwatch.GetTimestamp();
            var status = (int)response.StatusCode;
            state.Statuses[status] = state.Statuses.GetValueOrDefault(status) + 1;
            if (response.StatusCode != expected)
            {
                state.Unexpected++;
                state.AddError($"{request.Method} {route}: {status} {Truncate(await response.Content.ReadAsStringAsync())}");
                return null;
            }
            if (window.Contains(done)) state.Record(route, done - start);
            return readId ? ReadId(await response.Content.ReadAsByteArrayAsync()) : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException)
        {
            state.Errors++;
            state.AddError($"{request.Method} {route}: {e.GetType().Name}: {e.Message}");
            return null;
        }
    }

    static string ReadId(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("data").GetProperty("_id").GetString() ?? throw new JsonException("data._id is null");
    }

    static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";

    static long Ticks(double seconds) => (long)(seconds * Stopwatch.Frequency);

    static async Task DelayUntilAsync(long timestamp)
    {
        var wait = timestamp - Stopwatch.GetTimestamp();
        if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency));
    }

    /// <summary>The measured window, in Stopwatch timestamps; no request starts after its end.</summary>
    sealed record Window(long Start, long End)
    {
        public bool Open => Stopwatch.GetTimestamp() < End;
        public bool Contains(long timestamp) => timestamp >= Start && timestamp <= End;
    }

    /// <summary>One client's counts, touched only by its own loop, so no locking; merged after the run.</summary>
    sealed class ClientState
    {
        // A dead server answers instantly with errors: stop such a client instead of spinning for the rest of the run.
        const int MaxErrors = 50;

        public Dictionary<string, List<long>> Latencies { get; } = [];
        public Dictionary<int, long> Statuses { get; } = [];
        public List<string> ErrorSamples { get; } = [];
        public long Unexpected { get; set; }
        public long Errors { get; set; }
        public bool MayContinue => Unexpected + Errors < MaxErrors;

        public void Record(string route, long ticks)
        {
            if (!Latencies.TryGetValue(route, out var list)) Latencies[route] = list = new List<long>(16_384);
            list.Add(ticks);
        }

        public void AddError(string text)
        {
            if (ErrorSamples.Count < 5) ErrorSamples.Add(text);
        }
    }
}
