using System.Text.Json;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Features.Audit;

namespace SupportChat.Bench.Audit;

/// <summary>
/// A year of audit trail, 1,000,000 events, generated once in memory (seeded) so both databases get the same rows,
/// with each query's answer computed alongside: a wrong page fails the run instead of producing a fast but
/// meaningless figure. The shape follows the app: conversations that are created, assigned (a fifth of them
/// reassigned), joined by their agent and mostly closed, signups of the candidates behind them, and failed logins.
/// </summary>
sealed class TrailData
{
    public const int EventCount = 1_000_000;
    public const int Supervisors = 200;
    public const int AgentsPerSupervisor = 25;
    public static readonly DateTime End = new(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime Start = End.AddDays(-365);

    TrailData(List<AuditEvent> newestFirst, ObjectId[] supervisors, ObjectId[] agents)
    {
        NewestFirst = newestFirst;
        SupervisorIds = supervisors;
        AgentIds = agents;
    }

    /// <summary>Every event in the trail's order: At descending, then Id descending.</summary>
    public List<AuditEvent> NewestFirst { get; }
    public ObjectId[] SupervisorIds { get; }
    public ObjectId[] AgentIds { get; }

    /// <summary>In insertion order (oldest first), as an append-only log fills its table.</summary>
    public IEnumerable<AuditEvent> OldestFirst => Enumerable.Range(1, NewestFirst.Count).Select(i => NewestFirst[^i]);

    public static TrailData Generate(int seed)
    {
        var random = new Random(seed);
        var machineBytes = new byte[5];
        random.NextBytes(machineBytes);
        var machine = Convert.ToHexStringLower(machineBytes);
        var counter = 0;
        // ObjectIds laid out as the app makes them: the event's second, a per-process random part, a counter.
        ObjectId IdAt(DateTime at) => ObjectId.Parse($"{(uint)(at - DateTime.UnixEpoch).TotalSeconds:x8}{machine}{counter++ & 0xFFFFFF:x6}");
        var userIdTime = Start.AddDays(-30);
        var supervisors = Enumerable.Range(0, Supervisors).Select(_ => IdAt(userIdTime)).ToArray();
        var agents = Enumerable.Range(0, Supervisors * AgentsPerSupervisor).Select(_ => IdAt(userIdTime)).ToArray();
        var candidates = new List<ObjectId>();
        var spanMicroseconds = (End - Start).Ticks / TimeSpan.TicksPerMicrosecond;
        DateTime RandomTime() => Start.AddTicks(random.NextInt64(spanMicroseconds) * TimeSpan.TicksPerMicrosecond);

        var events = new List<AuditEvent>(EventCount + 8);
        AuditEvent Add(DateTime at, string action, ObjectId? actorId, string? actorRole, ObjectId? conversationId = null,
            ObjectId? targetUserId = null, object? details = null)
        {
            var audit = new AuditEvent
            {
                Id = IdAt(at), At = at, ActorId = actorId, ActorRole = actorRole, Action = action, ConversationId = conversationId,
                TargetUserId = targetUserId, Details = details is null ? null : JsonSerializer.Serialize(details, Json.Options),
            };
            events.Add(audit);
            return audit;
        }

        while (events.Count < EventCount)
        {
            var at = RandomTime();
            if (random.NextDouble() < 0.15)
            {
                // Four in ten failed logins name an email nobody has.
                ObjectId? target = random.NextDouble() < 0.6 && candidates.Count > 0 ? candidates[random.Next(candidates.Count)] : null;
                Add(at, AuditActions.LoginFailed, null, null, targetUserId: target);
                continue;
            }
            ObjectId candidate;
            if (candidates.Count == 0 || random.NextDouble() < 0.4)
            {
                candidate = IdAt(at.AddMinutes(-5));
                candidates.Add(candidate);
                Add(at.AddMinutes(-5), AuditActions.UserSignedUp, candidate, Roles.Candidate, targetUserId: candidate);
            }
            else candidate = candidates[random.Next(candidates.Count)];

            var supervisorIndex = random.Next(Supervisors);
            var supervisor = supervisors[supervisorIndex];
            ObjectId Agent() => agents[supervisorIndex * AgentsPerSupervisor + random.Next(AgentsPerSupervisor)];
            var conversation = IdAt(at);
            Add(at, AuditActions.ConversationCreated, candidate, Roles.Candidate, conversation);
            at = at.AddSeconds(30 + random.Next(600));
            var agent = Agent();
            Add(at, AuditActions.ConversationAssigned, supervisor, Roles.Supervisor, conversation, agent, new { agentId = agent, previousAgentId = (ObjectId?)null });
            if (random.NextDouble() < 0.2)
            {
                var previous = agent;
                agent = Agent();
                at = at.AddSeconds(10 + random.Next(120));
                Add(at, AuditActions.ConversationAssigned, supervisor, Roles.Supervisor, conversation, agent, new { agentId = agent, previousAgentId = (ObjectId?)previous });
            }
            at = at.AddSeconds(5 + random.Next(300));
            Add(at, AuditActions.ConversationAgentJoined, agent, Roles.Agent, conversation);
            if (random.NextDouble() < 0.9)
            {
                at = at.AddMinutes(2 + random.Next(90));
                var byAgent = random.NextDouble() < 0.85;
                Add(at, AuditActions.ConversationClosed, byAgent ? agent : supervisor, byAgent ? Roles.Agent : Roles.Supervisor, conversation,
                    details: new { via = byAgent ? CloseVia.WebSocket : CloseVia.Http, messageCount = random.Next(40) });
            }
        }
        events.RemoveRange(EventCount, events.Count - EventCount);
        events.Sort((a, b) => b.At != a.At ? b.At.CompareTo(a.At) : b.Id.CompareTo(a.Id));
        return new TrailData(events, supervisors, agents);
    }

    /// <summary>What <see cref="AuditData.GetAuditPageAsync"/> must answer, computed by scanning the ordered list.</summary>
    public (List<ObjectId> Ids, bool HasMore) Expected(AuditFilter filter)
    {
        var matching = NewestFirst.Where(e =>
            (filter.Action is null || e.Action == filter.Action)
            && (filter.ActorId is null || e.ActorId == filter.ActorId)
            && (filter.ConversationId is null || e.ConversationId == filter.ConversationId)
            && (filter.From is null || e.At >= filter.From)
            && (filter.To is null || e.At < filter.To)
            && (filter.After is not { } after || e.At < after.At || (e.At == after.At && e.Id < after.Id)));
        var page = matching.Take(filter.Limit + 1).Select(e => e.Id).ToList();
        var hasMore = page.Count > filter.Limit;
        if (hasMore) page.RemoveAt(page.Count - 1);
        return (page, hasMore);
    }

    public int Count(Func<AuditEvent, bool> predicate) => NewestFirst.Count(predicate);
}
