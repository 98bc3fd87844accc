using Microsoft.EntityFrameworkCore;
using SupportChat.Common.Data;

namespace SupportChat.Features.Audit;

static class AuditData
{
    /// <summary>
    /// One page, newest first, and whether an older matching event follows. Keyset paging on (At, Id): a page starts
    /// strictly after the previous one's last event, so events written meanwhile (all newer) never shift what follows.
    /// Each filter has an index that ends in (At, Id), so this is one index scan in the page's order that stops once the
    /// page is full; a second filter is checked on the rows the first one's index yields (BENCHMARKS.md "Audit trail").
    /// </summary>
    internal static async Task<(List<AuditEvent> Events, bool HasMore)> GetAuditPageAsync(this SupportChatDb db, AuditFilter filter, CancellationToken ct)
    {
        var events = db.AuditEvents.AsNoTracking();
        if (filter.Action is { } action) events = events.Where(e => e.Action == action);
        if (filter.ActorId is { } actorId) events = events.Where(e => e.ActorId == actorId);
        if (filter.ConversationId is { } conversationId) events = events.Where(e => e.ConversationId == conversationId);
        if (filter.From is { } from) events = events.Where(e => e.At >= from);
        if (filter.To is { } to) events = events.Where(e => e.At < to);
        if (filter.After is { } after)
        {
            var (at, id) = after;
            // The first condition follows from the second; stated alone, it is what both databases turn into an index range.
            events = events.Where(e => e.At <= at && (e.At < at || e.Id < id));
        }
        var page = await events.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(filter.Limit + 1).ToListAsync(ct);
        var hasMore = page.Count > filter.Limit;
        if (hasMore) page.RemoveAt(page.Count - 1);
        return (page, hasMore);
    }
}
