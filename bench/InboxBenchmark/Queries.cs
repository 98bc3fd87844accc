using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Conversations;
using SupportChat.Common.Data;
using SupportChat.Features.ListConversations;
using SupportChat.Realtime;

namespace SupportChat.Bench.Inbox;

/// <summary>
/// One measured call: a page of GET /conversations as the slice computes it (GetInboxPageAsync, then ToObjectsAsync
/// with an empty RoomStore, as after a restart: every open or assigned conversation on the page is read a second
/// time to check it did not close meanwhile), or the baseline lookup.
/// </summary>
sealed record BenchQuery(string Name, string? Role, ObjectId Me, ListConversationsFilter? Filter)
{
    static readonly RoomStore NoLiveRooms = new(TimeProvider.System);

    public bool IsBaseline => Filter is null;

    public async Task<List<ObjectId>> RunAsync(SupportChatDb db, CancellationToken ct)
    {
        if (Filter is null)
        {
            var id = Me;
            return [(await db.Conversations.AsNoTracking().Where(c => c.Id == id).SelectRows(db).SingleAsync(ct)).Id];
        }
        var caller = new ClaimsPrincipal(new ClaimsIdentity([new(Claims.UserId, Me.ToString()), new(Claims.Role, Role!)], "bench"));
        var (rows, hasMore) = await db.GetInboxPageAsync(caller, Filter, ct);
        var objects = await db.ToObjectsAsync(rows, NoLiveRooms, ct);
        var ids = objects.Select(c => c.Id).ToList();
        if (hasMore) ids.Add(default);
        return ids;
    }

    public List<ObjectId> Expected(InboxData data)
    {
        if (Filter is null) return [Me];
        var (ids, hasMore) = data.Expected(Role!, Me, Filter);
        if (hasMore) ids.Add(default);
        return ids;
    }

    /// <summary>For a supervisor (the busiest) and an admin: first and deep pages, with and without each filter.</summary>
    public static List<BenchQuery> All(InboxData data)
    {
        const int limit = ListConversationsRequest.DefaultLimit;
        var all = data.NewestFirst;
        var busiest = data.SupervisorIds.MaxBy(s => all.Count(c => c.SupervisorId == s));
        var theirs = all.Where(c => c.SupervisorId == busiest).ToList();
        var agent = theirs[theirs.Count / 3].AgentId ?? theirs.First(c => c.AgentId is not null).AgentId!.Value;
        var candidate = theirs[theirs.Count / 2].CandidateId;
        var month = InboxData.Start.AddDays(180);
        ListConversationsFilter Page(string[]? status = null, string[]? priority = null, ObjectId? candidateId = null, ObjectId? agentId = null,
            ObjectId? supervisorId = null, string? q = null, DateTime? from = null, DateTime? to = null, BenchConversation? after = null) =>
            new(status, priority, candidateId, agentId, supervisorId, q, from, to, limit, after is null ? null : (after.CreatedAt, after.Id));

        var queries = new List<BenchQuery> { new("baseline: one conversation by primary key (same projection)", null, all[all.Count / 2].Id, null) };
        foreach (var (role, me, scope, label) in new[] { (Roles.Supervisor, busiest, theirs, $"supervisor ({theirs.Count:N0} conversations)"), (Roles.Admin, ObjectId.NewId(), all, "admin") })
        {
            var closedInScope = scope.Where(c => c.Status == ConversationStatus.Closed).ToList();
            queries.AddRange(
            [
                new($"{label}: first page", role, me, Page()),
                new($"{label}: deep page (cursor at the middle)", role, me, Page(after: scope[scope.Count / 2])),
                new($"{label}: deep page (cursor near the end)", role, me, Page(after: scope[^(limit / 2)])),
                new($"{label}: status=open", role, me, Page(status: [ConversationStatus.Open])),
                new($"{label}: status=open,assigned", role, me, Page(status: [ConversationStatus.Open, ConversationStatus.Assigned])),
                new($"{label}: status=closed, deep page", role, me, Page(status: [ConversationStatus.Closed], after: closedInScope[closedInScope.Count / 2])),
                new($"{label}: priority=urgent", role, me, Page(priority: [ConversationPriority.Urgent])),
                new($"{label}: priority=high,urgent", role, me, Page(priority: [ConversationPriority.High, ConversationPriority.Urgent])),
                new($"{label}: candidateId", role, me, Page(candidateId: candidate)),
                new($"{label}: agentId", role, me, Page(agentId: agent)),
                new($"{label}: supervisorId (the busiest)", role, me, Page(supervisorId: busiest)),
                new($"{label}: q=refund (1 in 16)", role, me, Page(q: "refund")),
                new($"{label}: q=chargeback (1 in 1,000)", role, me, Page(q: "chargeback")),
                new($"{label}: createdFrom/createdTo (30 days)", role, me, Page(from: month, to: month.AddDays(30))),
                new($"{label}: status=closed&priority=high", role, me, Page(status: [ConversationStatus.Closed], priority: [ConversationPriority.High])),
            ]);
        }
        return queries;
    }
}
