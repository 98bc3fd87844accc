using Microsoft.EntityFrameworkCore;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;

namespace SupportChat.Features.Analytics;

static class AnalyticsData
{
    /// <summary>
    /// One SQL statement, a row per supervisor: the agents counted on the (SupervisorId, Role) index and the handled
    /// conversations read from the supervisor's <see cref="SupervisorStats"/> row (kept by every close), so the cost
    /// grows with supervisors and agents, never with the conversations closed over the years.
    /// </summary>
    internal static async Task<List<AnalyticsRow>> GetSupervisorStatsAsync(this SupportChatDb db, CancellationToken ct)
    {
        var rows = await db.Users.AsNoTracking()
            .Where(s => s.Role == Roles.Supervisor)
            .Select(s => new AnalyticsRow(
                s.Id,
                s.Name,
                db.Users.Count(a => a.SupervisorId == s.Id && a.Role == Roles.Agent),
                db.SupervisorStats.Where(t => t.SupervisorId == s.Id).Select(t => t.ConversationsHandled).FirstOrDefault()))
            .ToListAsync(ct);
        // Contract: ordinal by name, then id. Sorted here because database collations differ (PostgreSQL's is locale-aware).
        return [.. rows.OrderBy(r => r.SupervisorName, StringComparer.Ordinal).ThenBy(r => r.SupervisorId.ToString(), StringComparer.Ordinal)];
    }
}
