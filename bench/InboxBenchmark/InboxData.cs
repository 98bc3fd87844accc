using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Features.ListConversations;

namespace SupportChat.Bench.Inbox;

/// <summary>One generated conversation; closed ones also get <see cref="InboxData.MessagesPerClosed"/> persisted messages.</summary>
sealed record BenchConversation(ObjectId Id, ObjectId CandidateId, ObjectId SupervisorId, ObjectId? AgentId, string Status, DateTime CreatedAt,
    DateTime? ClosedAt, string? Subject, string Priority, int CandidateReadSeq);

/// <summary>
/// A year of conversations, 1,000,000 of them, generated once in memory (seeded) so both databases get the same rows,
/// with each query's answer computed alongside: a wrong page fails the run instead of producing a fast but meaningless
/// figure. 200 supervisors with 25 agents each (5,000 agents); each conversation has its own candidate; 90% closed,
/// 5% assigned, 5% open (half of those with an agent already); priorities 20% low, 60% normal, 15% high, 5% urgent;
/// half have a subject. Supervisors are picked with a skew, so the busiest has several times the average inbox.
/// </summary>
sealed class InboxData
{
    /// <summary>1,000,000 unless <c>--conversations N</c> says otherwise (a quick check of the program itself).</summary>
    public static int ConversationCount { get; set; } = 1_000_000;
    public const int Supervisors = 200;
    public const int AgentsPerSupervisor = 25;
    public const int MessagesPerClosed = 2;
    public static readonly DateTime End = new(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime Start = End.AddDays(-365);
    static readonly string[] Topics = ["Order", "Invoice", "Delivery", "Password reset", "Refund request", "Account", "Billing question", "Login problem"];

    InboxData(List<BenchConversation> newestFirst, ObjectId[] supervisors, ObjectId[] agents)
    {
        NewestFirst = newestFirst;
        SupervisorIds = supervisors;
        AgentIds = agents;
    }

    /// <summary>Every conversation in the inbox's order: CreatedAt descending, then Id descending.</summary>
    public List<BenchConversation> NewestFirst { get; }
    public ObjectId[] SupervisorIds { get; }
    public ObjectId[] AgentIds { get; }

    public IEnumerable<BenchConversation> OldestFirst => Enumerable.Range(1, NewestFirst.Count).Select(i => NewestFirst[^i]);

    public static InboxData Generate(int seed)
    {
        var random = new Random(seed);
        var machineBytes = new byte[5];
        random.NextBytes(machineBytes);
        var machine = Convert.ToHexStringLower(machineBytes);
        var counter = 0;
        ObjectId IdAt(DateTime at) => ObjectId.Parse($"{(uint)(at - DateTime.UnixEpoch).TotalSeconds:x8}{machine}{counter++ & 0xFFFFFF:x6}");
        var userIdTime = Start.AddDays(-30);
        var supervisors = Enumerable.Range(0, Supervisors).Select(_ => IdAt(userIdTime)).ToArray();
        var agents = Enumerable.Range(0, Supervisors * AgentsPerSupervisor).Select(_ => IdAt(userIdTime)).ToArray();
        var spanMicroseconds = (End - Start).Ticks / TimeSpan.TicksPerMicrosecond;

        var conversations = new List<BenchConversation>(ConversationCount);
        for (var i = 0; i < ConversationCount; i++)
        {
            var createdAt = Start.AddTicks(random.NextInt64(spanMicroseconds) * TimeSpan.TicksPerMicrosecond);
            // Squaring skews the pick towards low indexes: supervisor 0 gets about 14 times the average.
            var supervisorIndex = (int)(Math.Pow(random.NextDouble(), 2) * Supervisors);
            var roll = random.NextDouble();
            var status = roll < 0.9 ? ConversationStatus.Closed : roll < 0.95 ? ConversationStatus.Assigned : ConversationStatus.Open;
            ObjectId? agent = status != ConversationStatus.Open || random.NextDouble() < 0.5
                ? agents[supervisorIndex * AgentsPerSupervisor + random.Next(AgentsPerSupervisor)]
                : null;
            var p = random.NextDouble();
            var priority = p < 0.2 ? ConversationPriority.Low : p < 0.8 ? ConversationPriority.Normal : p < 0.95 ? ConversationPriority.High : ConversationPriority.Urgent;
            var subject = random.NextDouble() < 0.5 ? null
                : random.NextDouble() < 0.002 ? $"Chargeback dispute #{i}"
                : $"{Topics[random.Next(Topics.Length)]} #{random.Next(100_000)}";
            conversations.Add(new BenchConversation(IdAt(createdAt), IdAt(createdAt.AddMinutes(-1)), supervisors[supervisorIndex], agent, status, createdAt,
                status == ConversationStatus.Closed ? createdAt.AddMinutes(5 + random.Next(120)) : null, subject, priority, random.Next(MessagesPerClosed + 1)));
        }
        conversations.Sort((a, b) => b.CreatedAt != a.CreatedAt ? b.CreatedAt.CompareTo(a.CreatedAt) : b.Id.CompareTo(a.Id));
        return new InboxData(conversations, supervisors, agents);
    }

    /// <summary>What <see cref="ListConversationsData.GetInboxPageAsync"/> must answer for <paramref name="role"/> and <paramref name="me"/>.</summary>
    public (List<ObjectId> Ids, bool HasMore) Expected(string role, ObjectId me, ListConversationsFilter filter)
    {
        var matching = NewestFirst.Where(c =>
            (role != Roles.Supervisor || c.SupervisorId == me)
            && (filter.Statuses is null || filter.Statuses.Contains(c.Status))
            && (filter.Priorities is null || filter.Priorities.Contains(c.Priority))
            && (filter.CandidateId is null || c.CandidateId == filter.CandidateId)
            && (filter.AgentId is null || c.AgentId == filter.AgentId)
            && (filter.SupervisorId is null || c.SupervisorId == filter.SupervisorId)
            && (filter.SubjectContainsLower is null || (c.Subject?.ToLowerInvariant().Contains(filter.SubjectContainsLower, StringComparison.Ordinal) ?? false))
            && (filter.CreatedFrom is null || c.CreatedAt >= filter.CreatedFrom)
            && (filter.CreatedTo is null || c.CreatedAt < filter.CreatedTo)
            && (filter.After is not var (at, id) || c.CreatedAt < at || (c.CreatedAt == at && c.Id < id)));
        var page = matching.Take(filter.Limit + 1).Select(c => c.Id).ToList();
        var hasMore = page.Count > filter.Limit;
        if (hasMore) page.RemoveAt(page.Count - 1);
        return (page, hasMore);
    }
}
