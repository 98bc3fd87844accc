using System.Text.Json;

namespace LoadGenerator;

/// <summary>A candidate, an agent and their active conversation (null once it was closed: the next run opens a new one).</summary>
sealed class Pair
{
    public required Account Candidate { get; init; }
    public required Account Agent { get; init; }
    public string? ConversationId { get; set; }
}

/// <summary>
/// The accounts a run uses, kept in a file next to the database. Signups hash passwords slowly (PBKDF2, 100,000
/// rounds), so they are made once per database and every later run reuses them: only conversations that a close
/// burst ended are opened again.
/// </summary>
sealed class Roster
{
    public required string RunId { get; init; }
    public required Account Supervisor { get; init; }
    public List<Pair> Pairs { get; init; } = [];

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Loads the roster (or signs up a new one) so that it has at least <paramref name="pairs"/> pairs, each with an active conversation.</summary>
    public static async Task<Roster> EnsureAsync(SupportChatApi api, string path, int pairs, int parallelism)
    {
        var roster = File.Exists(path) ? JsonSerializer.Deserialize<Roster>(File.ReadAllText(path), Json)! : null;
        if (roster is null)
        {
            var runId = Guid.NewGuid().ToString("N")[..8];
            roster = new Roster
            {
                RunId = runId,
                Supervisor = await api.SignupAsync("supervisor", "Bench Supervisor", $"bench-{runId}-supervisor@bench.example.com"),
            };
        }

        var missing = pairs - roster.Pairs.Count;
        if (missing > 0)
        {
            Console.WriteLine($"setup: signing up {missing} agents and {missing} candidates ({parallelism} at a time; PBKDF2 makes this slow)");
            var added = new Pair[missing];
            var first = roster.Pairs.Count;
            await Parallel.ForEachAsync(Enumerable.Range(0, missing), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, _) =>
            {
                var n = first + i;
                var agent = await api.SignupAsync("agent", $"Bench Agent {n}", $"bench-{roster.RunId}-agent-{n}@bench.example.com", roster.Supervisor.Id);
                var candidate = await api.SignupAsync("candidate", $"Bench Candidate {n}", $"bench-{roster.RunId}-candidate-{n}@bench.example.com");
                added[i] = new Pair { Candidate = candidate, Agent = agent };
            });
            roster.Pairs.AddRange(added);
            roster.Save(path);   // the slow part is done: keep it even if opening conversations fails
        }

        var closed = roster.Pairs.Take(pairs).Where(p => p.ConversationId is null).ToArray();
        if (closed.Length > 0)
        {
            Console.WriteLine($"setup: opening and assigning {closed.Length} conversations");
            await Parallel.ForEachAsync(closed, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (pair, _) =>
            {
                var conversationId = await api.CreateConversationAsync(pair.Candidate, roster.Supervisor.Id);
                await api.AssignAsync(roster.Supervisor, conversationId, pair.Agent.Id);
                pair.ConversationId = conversationId;
            });
            roster.Save(path);
        }
        return roster;
    }

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
}
