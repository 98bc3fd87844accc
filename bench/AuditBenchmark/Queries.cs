using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;
using SupportChat.Features.Audit;

namespace SupportChat.Bench.Audit;

/// <summary>One measured call: a page of GET /admin/audit (the app's data method), or the baseline lookup.</summary>
sealed record BenchQuery(string Name, AuditFilter? Filter, ObjectId? LookupId)
{
    /// <summary>The figure every other is divided by: one event by primary key, through the same scope, pool and connection.</summary>
    public bool IsBaseline => Filter is null;

    public async Task<List<ObjectId>> RunAsync(SupportChatDb db, CancellationToken ct)
    {
        if (Filter is null)
        {
            var id = LookupId!.Value;
            return [(await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Id == id, ct)).Id];
        }
        var (events, hasMore) = await db.GetAuditPageAsync(Filter, ct);
        var ids = events.Select(e => e.Id).ToList();
        if (hasMore) ids.Add(default);   // marks "a next page exists", so the comparison covers it
        return ids;
    }

    public List<ObjectId> Expected(TrailData data)
    {
        if (Filter is null) return [LookupId!.Value];
        var (ids, hasMore) = data.Expected(Filter);
        if (hasMore) ids.Add(default);
        return ids;
    }

    /// <summary>The queries of the issue: no filter, each filter, combinations, and deep pages through a cursor.</summary>
    public static List<BenchQuery> All(TrailData data)
    {
        const int limit = AuditRequest.DefaultLimit;
        var events = data.NewestFirst;
        var middle = events[events.Count / 2];
        AuditPosition At(AuditEvent e) => new(e.At, e.Id);
        AuditFilter Page(string? action = null, ObjectId? actor = null, ObjectId? conversation = null, DateTime? from = null, DateTime? to = null,
            AuditPosition? after = null) => new(action, actor, conversation, from, to, limit, after);

        var busiestSupervisor = data.SupervisorIds.MaxBy(s => data.Count(e => e.ActorId == s));
        var supervisorEvents = events.Where(e => e.ActorId == busiestSupervisor).ToList();
        var agent = data.AgentIds[data.AgentIds.Length / 2];
        var closed = events.Where(e => e.Action == AuditActions.ConversationClosed).ToList();
        var conversation = middle.ConversationId ?? events.Skip(events.Count / 2).First(e => e.ConversationId is not null).ConversationId!.Value;
        var day = TrailData.Start.AddDays(180);

        return
        [
            new("baseline: one event by primary key", null, middle.Id),
            new("no filter, first page", Page(), null),
            new($"action={AuditActions.ConversationClosed}", Page(AuditActions.ConversationClosed), null),
            new($"action={AuditActions.UserSignedUp}", Page(AuditActions.UserSignedUp), null),
            new($"action={AuditActions.ConversationUpdated} (no such events)", Page(AuditActions.ConversationUpdated), null),
            new($"actorId=busiest supervisor ({supervisorEvents.Count:N0} events)", Page(actor: busiestSupervisor), null),
            new($"actorId=an agent ({data.Count(e => e.ActorId == agent):N0} events)", Page(actor: agent), null),
            new($"conversationId=one conversation ({data.Count(e => e.ConversationId == conversation)} events)", Page(conversation: conversation), null),
            new($"from/to: one day ({data.Count(e => e.At >= day && e.At < day.AddDays(1)):N0} events)", Page(from: day, to: day.AddDays(1)), null),
            new("from only: the last 30 days", Page(from: TrailData.End.AddDays(-30)), null),
            new("to only: before the first 30 days (oldest events)", Page(to: TrailData.Start.AddDays(30)), null),
            new($"action+actorId: {AuditActions.ConversationClosed} by the busiest supervisor", Page(AuditActions.ConversationClosed, busiestSupervisor), null),
            new($"action+from/to: {AuditActions.ConversationClosed} in one day", Page(AuditActions.ConversationClosed, from: day, to: day.AddDays(1)), null),
            new("deep page via cursor: after event 500,000 (no filter)", Page(after: At(middle)), null),
            new("deep page via cursor: the last page (no filter)", Page(after: At(events[^(limit / 2)])), null),
            new($"deep page via cursor: action={AuditActions.ConversationClosed}, after half of them", Page(AuditActions.ConversationClosed, after: At(closed[closed.Count / 2])), null),
            new("deep page via cursor: actorId=busiest supervisor, after half", Page(actor: busiestSupervisor, after: At(supervisorEvents[supervisorEvents.Count / 2])), null),
        ];
    }
}
