using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace HttpBenchmark;

/// <summary>
/// Makes the accounts and conversations the runs need through the public API only: one supervisor; C "readers"
/// (candidates with one open conversation each, for <c>me</c> and <c>get</c>); C "creators" (candidates with none,
/// for <c>create</c>, one per client, since a candidate may have only one open conversation at a time).
/// </summary>
static class Setup
{
    public const string Password = "bench-password-1";

    public static async Task<int> RunAsync(CommandLine options)
    {
        var url = new Uri(options.Required("url"));
        var rosterPath = options.Required("roster");
        var clients = options.Int("clients", 32);
        // Password hashing is CPU-bound on the server: more signups in flight than its cores only queue, but a few
        // extra keep every core busy while responses travel.
        var parallelism = options.Int("parallelism", 2 * Environment.ProcessorCount + 2);
        options.RejectUnknown();
        if (clients < 1) throw new UsageException("--clients must be at least 1");

        var api = new SetupApi(url);
        var started = Stopwatch.StartNew();
        var supervisor = await api.SignupAndLoginAsync("supervisor", "Bench Supervisor", "bench-supervisor@example.com");
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) };

        var readers = new CandidateWithConversation[clients];
        await Parallel.ForEachAsync(Enumerable.Range(0, clients), parallel, async (i, _) =>
        {
            var candidate = await api.SignupAndLoginAsync("candidate", $"Bench Reader {i}", $"bench-reader-{i}@example.com");
            var conversationId = await api.CreateConversationAsync(candidate, supervisor.Id);
            readers[i] = new CandidateWithConversation(candidate.Id, candidate.Token, conversationId);
        });

        var creators = new Account[clients];
        await Parallel.ForEachAsync(Enumerable.Range(0, clients), parallel, async (i, _) =>
            creators[i] = await api.SignupAndLoginAsync("candidate", $"Bench Creator {i}", $"bench-creator-{i}@example.com"));

        new Roster(supervisor, [.. readers], [.. creators]).Save(rosterPath);
        Console.WriteLine($"setup: {2 * clients + 1} accounts and {clients} conversations in {started.Elapsed.TotalSeconds:0.0} s (parallelism {parallelism})");
        return 0;
    }
}

/// <summary>The setup's calls, each checked against its documented status so a broken setup stops at once.</summary>
sealed class SetupApi(Uri baseUrl)
{
    // Generous: a bcrypt signup queued behind many others on a busy machine takes seconds, and setup is not measured.
    readonly HttpClient _http = new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(120) };

    public async Task<Account> SignupAndLoginAsync(string role, string name, string email)
    {
        var user = await CallAsync(HttpMethod.Post, "/auth/signup", new { name, email, password = Setup.Password, role }, null, 201);
        var login = await CallAsync(HttpMethod.Post, "/auth/login", new { email, password = Setup.Password }, null, 200);
        return new Account(user["_id"]!.GetValue<string>(), login["token"]!.GetValue<string>());
    }

    public async Task<string> CreateConversationAsync(Account candidate, string supervisorId) =>
        (await CallAsync(HttpMethod.Post, "/conversations", new { supervisorId }, candidate.Token, 201))["_id"]!.GetValue<string>();

    async Task<JsonNode> CallAsync(HttpMethod method, string path, object? body, string? token, int expectedStatus)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != expectedStatus)
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode} (expected {expectedStatus}): {text}");
        return JsonNode.Parse(text)!["data"]!;
    }
}
