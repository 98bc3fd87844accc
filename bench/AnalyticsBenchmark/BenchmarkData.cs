using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;

namespace SupportChat.Bench.Analytics;

/// <summary>
/// The volumes the analytics issue names: 200 supervisors with 25 agents each and 500,000 conversations, 60% closed.
/// Generated once in memory so both databases get the same rows, and with the answer computed alongside,
/// so a wrong count fails the run instead of producing a fast but meaningless figure.
/// </summary>
sealed class BenchmarkData
{
    public const int Supervisors = 200;
    public const int AgentsPerSupervisor = 25;
    public const int Agents = Supervisors * AgentsPerSupervisor;
    public const int ConversationCount = 500_000;
    public const int Closed = ConversationCount * 60 / 100;
    public const int Active = ConversationCount - Closed;
    /// <summary>The filtered unique index allows one open-or-assigned conversation per candidate, so every active one needs its own.</summary>
    public const int Candidates = Active;
    public const string PasswordHash = "benchmark-not-a-real-hash";

    BenchmarkData(List<User> users, List<Conversation> conversations, Dictionary<ObjectId, int> handled)
    {
        Users = users;
        Conversations = conversations;
        ExpectedHandled = handled;
    }

    public List<User> Users { get; }
    public List<Conversation> Conversations { get; }
    /// <summary>Closed conversations per supervisor, through the supervisor of the agent who handled them.</summary>
    public Dictionary<ObjectId, int> ExpectedHandled { get; }

    public static BenchmarkData Generate(int seed)
    {
        var random = new Random(seed);
        var now = new DateTime(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc);
        DateTime Before(int maxDays) => now.AddMinutes(-random.Next(maxDays * 24 * 60));

        var users = new List<User>(Supervisors + Agents + Candidates);
        var supervisors = new List<User>(Supervisors);
        var agents = new List<User>(Agents);
        var candidates = new List<User>(Candidates);
        for (var s = 0; s < Supervisors; s++)
        {
            var supervisor = new User { Name = $"Supervisor {s:D3}", Email = $"supervisor{s}@bench.test", Role = Roles.Supervisor, PasswordHash = PasswordHash, CreatedAt = Before(365) };
            supervisors.Add(supervisor);
            for (var a = 0; a < AgentsPerSupervisor; a++)
                agents.Add(new User
                {
                    Name = $"Agent {s:D3}-{a:D2}", Email = $"agent{s}-{a}@bench.test", Role = Roles.Agent, SupervisorId = supervisor.Id,
                    PasswordHash = PasswordHash, CreatedAt = Before(365),
                });
        }
        for (var c = 0; c < Candidates; c++)
            candidates.Add(new User { Name = $"Candidate {c}", Email = $"candidate{c}@bench.test", Role = Roles.Candidate, PasswordHash = PasswordHash, CreatedAt = Before(365) });
        users.AddRange(supervisors);
        users.AddRange(agents);
        users.AddRange(candidates);

        // Statuses shuffled so closed and active rows are interleaved on disk, as they are after months of traffic.
        var statuses = new string[ConversationCount];
        for (var i = 0; i < ConversationCount; i++)
            statuses[i] = i < Closed ? ConversationStatus.Closed : i < Closed + Active / 2 ? ConversationStatus.Assigned : ConversationStatus.Open;
        random.Shuffle(statuses);

        var handled = supervisors.ToDictionary(s => s.Id, _ => 0);
        var conversations = new List<Conversation>(ConversationCount);
        var nextActiveCandidate = 0;
        foreach (var status in statuses)
        {
            var createdAt = Before(90);
            if (status == ConversationStatus.Open)
            {
                conversations.Add(new Conversation
                {
                    CandidateId = candidates[nextActiveCandidate++].Id, SupervisorId = supervisors[random.Next(Supervisors)].Id,
                    Status = status, CreatedAt = createdAt,
                });
                continue;
            }
            var agent = agents[random.Next(Agents)];
            var closed = status == ConversationStatus.Closed;
            conversations.Add(new Conversation
            {
                CandidateId = closed ? candidates[random.Next(Candidates)].Id : candidates[nextActiveCandidate++].Id,
                SupervisorId = agent.SupervisorId!.Value, AgentId = agent.Id, Status = status, CreatedAt = createdAt,
                ClosedAt = closed ? createdAt.AddMinutes(5 + random.Next(120)) : null,
            });
            if (closed) handled[agent.SupervisorId!.Value]++;
        }
        return new BenchmarkData(users, conversations, handled);
    }
}
