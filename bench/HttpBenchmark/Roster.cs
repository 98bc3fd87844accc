using System.Text.Json;

namespace HttpBenchmark;

/// <summary>A signed-in account: its id and a token from POST /auth/login.</summary>
sealed record Account(string Id, string Token);

/// <summary>A candidate with the open conversation it created during setup.</summary>
sealed record CandidateWithConversation(string Id, string Token, string ConversationId);

/// <summary>
/// What setup made on a server, saved so that every run can start the same server build on a copy of the setup's
/// database and reuse the tokens (signup and login are slow on purpose, and not what is measured).
/// </summary>
sealed record Roster(Account Supervisor, List<CandidateWithConversation> Readers, List<Account> Creators)
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static Roster Load(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"roster {path} does not exist (run setup first)");
        return JsonSerializer.Deserialize<Roster>(File.ReadAllText(path), Json) ?? throw new InvalidOperationException($"roster {path} is empty");
    }

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
}
