using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;

namespace SupportChat.Bench.Analytics;

/// <summary>
/// The volumes the analytics issue names: 200 supervisors with 25 agents each and, by default, 500,000 conversations,
/// 60% closed (<c>--conversations N</c> for other sizes). Both databases get the same rows, and the answer is computed
/// beforehand, so a wrong count fails the run instead of producing a fast but meaningless figure.
/// Only supervisors, agents and the candidates' ids are kept in memory; users and conversations are produced as they
/// are written (<see cref="Users"/>, <see cref="Conversations"/>), so 10 million conversations need no more than a
/// few hundred MB. Each enumeration replays the same seeded draws in the same order as the earlier in-memory
/// generator, so the default size gives the same rows (apart from fresh ObjectIds) as the figures measured before.
/// </summary>
sealed class BenchmarkData
{
    public const int Supervisors = 200;
    public const int AgentsPerSupervisor = 25;
    public const int Agents = Supervisors * AgentsPerSupervisor;
    public const int DefaultConversations = 500_000;
    public const string PasswordHash = "benchmark-not-a-real-hash";
    const int UserDays = 365;
    const int ConversationDays = 90;

    static readonly DateTime Now = new(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc);

    readonly int _seed;
    readonly List<User> _supervisors;
    readonly List<User> _agents;
    readonly ObjectId[] _candidateIds;
    readonly DateTime[] _candidateCreatedAt;

    BenchmarkData(int seed, int conversations)
    {
        if (conversations < 10) throw new ArgumentOutOfRangeException(nameof(conversations), "At least 10 conversations.");
        _seed = seed;
        ConversationCount = conversations;
        Closed = (int)(conversations * 60L / 100);
        Active = conversations - Closed;
        Candidates = Active;

        var random = new Random(seed);
        _supervisors = new List<User>(Supervisors);
        _agents = new List<User>(Agents);
        for (var s = 0; s < Supervisors; s++)
        {
            var supervisor = new User { Name = $"Supervisor {s:D3}", Email = $"supervisor{s}@bench.test", Role = Roles.Supervisor, PasswordHash = PasswordHash, CreatedAt = Before(random, UserDays) };
            _supervisors.Add(supervisor);
            for (var a = 0; a < AgentsPerSupervisor; a++)
                _agents.Add(new User
                {
                    Name = $"Agent {s:D3}-{a:D2}", Email = $"agent{s}-{a}@bench.test", Role = Roles.Agent, SupervisorId = supervisor.Id,
                    PasswordHash = PasswordHash, CreatedAt = Before(random, UserDays),
                });
        }
        _candidateIds = new ObjectId[Candidates];
        _candidateCreatedAt = new DateTime[Candidates];
        for (var c = 0; c < Candidates; c++)
        {
            _candidateIds[c] = ObjectId.NewId();
            _candidateCreatedAt[c] = Before(random, UserDays);
        }

        // The answer, from the same stream the databases get (ObjectIds aside, every enumeration yields the same rows).
        ExpectedHandled = _supervisors.ToDictionary(s => s.Id, _ => 0);
        foreach (var conversation in Conversations())
            if (conversation.Status == ConversationStatus.Closed) ExpectedHandled[conversation.SupervisorId]++;
    }

    public int ConversationCount { get; }
    public int Closed { get; }
    public int Active { get; }
    /// <summary>The filtered unique index allows one open-or-assigned conversation per candidate, so every active one needs its own.</summary>
    public int Candidates { get; }
    public int UserCount => Supervisors + Agents + Candidates;
    /// <summary>Closed conversations per supervisor, through the supervisor of the agent who handled them.</summary>
    public Dictionary<ObjectId, int> ExpectedHandled { get; }

    public static BenchmarkData Generate(int seed, int conversations = DefaultConversations) => new(seed, conversations);

    /// <summary>Supervisors, agents, then candidates, made as they are enumerated.</summary>
    public IEnumerable<User> Users()
    {
        foreach (var supervisor in _supervisors) yield return supervisor;
        foreach (var agent in _agents) yield return agent;
        for (var c = 0; c < Candidates; c++)
            yield return new User
            {
                Id = _candidateIds[c], Name = $"Candidate {c}", Email = $"candidate{c}@bench.test", Role = Roles.Candidate,
                PasswordHash = PasswordHash, CreatedAt = _candidateCreatedAt[c],
            };
    }

    /// <summary>
    /// The conversations, made as they are enumerated from a fresh generator with the seed: the user draws are
    /// replayed first so that the conversation draws continue exactly where the in-memory generator's did.
    /// </summary>
    public IEnumerable<Conversation> Conversations()
    {
        var random = new Random(_seed);
        for (var i = 0; i < UserCount; i++) Before(random, UserDays);

        // Statuses shuffled so closed and active rows are interleaved on disk, as they are after months of traffic.
        // A byte per row (10 MB at 10 million); Shuffle draws the same numbers whatever the element type.
        const byte closedStatus = 0, assignedStatus = 1, openStatus = 2;
        var statuses = new byte[ConversationCount];
        for (var i = 0; i < ConversationCount; i++)
            statuses[i] = i < Closed ? closedStatus : i < Closed + Active / 2 ? assignedStatus : openStatus;
        random.Shuffle(statuses);

        var nextActiveCandidate = 0;
        foreach (var status in statuses)
        {
            var createdAt = Before(random, ConversationDays);
            if (status == openStatus)
            {
                yield return new Conversation
                {
                    CandidateId = _candidateIds[nextActiveCandidate++], SupervisorId = _supervisors[random.Next(Supervisors)].Id,
                    Status = ConversationStatus.Open, CreatedAt = createdAt,
                };
                continue;
            }
            var agent = _agents[random.Next(Agents)];
            var closed = status == closedStatus;
            yield return new Conversation
            {
                CandidateId = closed ? _candidateIds[random.Next(Candidates)] : _candidateIds[nextActiveCandidate++],
                SupervisorId = agent.SupervisorId!.Value, AgentId = agent.Id,
                Status = closed ? ConversationStatus.Closed : ConversationStatus.Assigned, CreatedAt = createdAt,
                ClosedAt = closed ? createdAt.AddMinutes(5 + random.Next(120)) : null,
            };
        }
    }

    static DateTime Before(Random random, int maxDays) => Now.AddMinutes(-random.Next(maxDays * 24 * 60));
}
