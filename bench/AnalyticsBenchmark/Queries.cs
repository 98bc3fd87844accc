using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Features.Analytics;

namespace SupportChat.Bench.Analytics;

static class Queries
{
    /// <summary>The query under test: the app's own method, not a copy.</summary>
    public static readonly AnalyticsQuery App = (db, ct) => db.GetSupervisorStatsAsync(ct);

    /// <summary>
    /// The baseline, measured in every run: the previous release's query, which counted every closed conversation of
    /// the supervisor's agents on each call (the (AgentId, Status) index, one correlated count per supervisor).
    /// </summary>
    public static readonly AnalyticsQuery Recount = async (db, ct) => Sorted(await db.Users.AsNoTracking()
        .Where(s => s.Role == Roles.Supervisor)
        .Select(s => new AnalyticsRow(
            s.Id,
            s.Name,
            db.Users.Count(a => a.SupervisorId == s.Id && a.Role == Roles.Agent),
            db.Users.Where(a => a.SupervisorId == s.Id && a.Role == Roles.Agent)
                .SelectMany(a => db.Conversations.Where(c => c.AgentId == a.Id && c.Status == ConversationStatus.Closed))
                .Count()))
        .ToListAsync(ct));

    /// <summary>
    /// Measured beside the app's query with --alternatives, not used by the app: one statement that joins every
    /// closed conversation to its agent and groups by the agent's supervisor.
    /// </summary>
    public static readonly AnalyticsQuery Grouped = async (db, ct) =>
    {
        var handled =
            from c in db.Conversations
            join a in db.Users on c.AgentId equals (ObjectId?)a.Id
            where c.Status == ConversationStatus.Closed && a.Role == Roles.Agent
            group c by a.SupervisorId into bySupervisor
            select new { SupervisorId = bySupervisor.Key, Count = bySupervisor.Count() };
        var rows = await (
            from s in db.Users.AsNoTracking()
            where s.Role == Roles.Supervisor
            join h in handled on (ObjectId?)s.Id equals h.SupervisorId into hs
            from h in hs.DefaultIfEmpty()
            select new AnalyticsRow(
                s.Id,
                s.Name,
                db.Users.Count(a => a.SupervisorId == s.Id && a.Role == Roles.Agent),
                h == null ? 0 : h.Count))
            .ToListAsync(ct);
        return Sorted(rows);
    };

    /// <summary>
    /// Measured beside the app's query with --alternatives, not used by the app: one statement that counts closed
    /// conversations per agent first (5,000 groups), then sums them per supervisor, so PostgreSQL can pick a
    /// sequential scan when index-only scans would have to visit the heap.
    /// </summary>
    public static readonly AnalyticsQuery PerAgent = async (db, ct) =>
    {
        var perAgent =
            from c in db.Conversations
            where c.Status == ConversationStatus.Closed
            group c by c.AgentId into byAgent
            select new { AgentId = byAgent.Key, Count = byAgent.Count() };
        var perSupervisor =
            from x in perAgent
            join a in db.Users on x.AgentId equals (ObjectId?)a.Id
            where a.Role == Roles.Agent
            group x by a.SupervisorId into bySupervisor
            select new { SupervisorId = bySupervisor.Key, Count = bySupervisor.Sum(x => x.Count) };
        var rows = await (
            from s in db.Users.AsNoTracking()
            where s.Role == Roles.Supervisor
            join h in perSupervisor on (ObjectId?)s.Id equals h.SupervisorId into hs
            from h in hs.DefaultIfEmpty()
            select new AnalyticsRow(
                s.Id,
                s.Name,
                db.Users.Count(a => a.SupervisorId == s.Id && a.Role == Roles.Agent),
                h == null ? 0 : h.Count))
            .ToListAsync(ct);
        return Sorted(rows);
    };

    public static IReadOnlyList<(string Name, AnalyticsQuery Query)> Measured(bool alternatives) => alternatives
        ?
        [
            ("app: GetSupervisorStatsAsync", App),
            ("baseline: full recount (previous release)", Recount),
            ("alternative: grouped join (bench only)", Grouped),
            ("alternative: per agent, then per supervisor (bench only)", PerAgent),
        ]
        : [("app: GetSupervisorStatsAsync", App), ("baseline: full recount (previous release)", Recount)];

    /// <summary>The app's order: ordinal by name, then id.</summary>
    static List<AnalyticsRow> Sorted(List<AnalyticsRow> rows) =>
        [.. rows.OrderBy(r => r.SupervisorName, StringComparer.Ordinal).ThenBy(r => r.SupervisorId.ToString(), StringComparer.Ordinal)];
}
