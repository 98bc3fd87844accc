using Microsoft.EntityFrameworkCore;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;

namespace SupportChat.Features.Analytics;

static class AnalyticsData
{
    /// <summary>
    /// One SQL statement: a row per supervisor with two correlated counts, served by the (SupervisorId, Role) and
    /// (AgentId, Status) indexes; no query per supervisor. The handled count starts from the supervisor's agents and
    /// joins their closed conversations: SQLite cannot turn the equivalent EXISTS into a join and would scan every
    /// closed conversation once per supervisor (BENCHMARKS.md: 36 s instead of under 0.1 s at 500,000 conversations).
    /// </summary>
    internal static async Task<List<AnalyticsRow>> GetSupervisorStatsAsync(this SupportChatDb db, CancellationToken ct)
    {
        var rows = await db.Users.AsNoTracking()
            .Where(s => s.Role == Roles.Supervisor)
            .Select(s => new AnalyticsRow(
                s.Id,
                s.Name,
                db.Users.Count(a => a.SupervisorId == s.Id && a.Role == Roles.Agent),
                db.Users.Where(a => a.SupervisorId == s.Id && a.Role == Roles.Agent)
                    .SelectMany(a => db.Conversations.Where(c => c.AgentId == a.Id && c.Status == ConversationStatus.Closed))
                    .Count()))
            .ToListAsync(ct);
        // Contract: ordinal by name, then id. Sorted here because database collations differ (PostgreSQL's is locale-aware).
        return [.. rows.OrderBy(r => r.SupervisorName, StringComparer.Ordinal).ThenBy(r => r.SupervisorId.ToString(), StringComparer.Ordinal)];
    }
}
