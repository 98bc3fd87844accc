using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common.Auth;
using SupportChat.Common.Conversations;
using SupportChat.Common.Data;

namespace SupportChat.Features.ListConversations;

static class ListConversationsData
{
    /// <summary>
    /// One page of the caller's inbox (candidate: own; agent: assigned to them now; supervisor: addressed to them; admin:
    /// all), narrowed by every filter, newest first, and whether a further one follows. Keyset paging on (CreatedAt, Id): a
    /// page starts strictly after the previous one's last conversation, so conversations created meanwhile (all newer)
    /// never shift what follows. The scope and each equality filter have an index ending in (CreatedAt, Id)
    /// (SupportChatDb), so a page is an index range read in order that stops once the page is full.
    /// </summary>
    internal static async Task<(List<ConversationRow> Rows, bool HasMore)> GetInboxPageAsync(this SupportChatDb db, ClaimsPrincipal caller,
        ListConversationsFilter filter, CancellationToken ct)
    {
        var me = caller.UserId();
        var conversations = caller.Role() switch
        {
            Common.Auth.Roles.Admin => db.Conversations.AsNoTracking(),
            Common.Auth.Roles.Supervisor => db.Conversations.AsNoTracking().Where(c => c.SupervisorId == me),
            Common.Auth.Roles.Agent => db.Conversations.AsNoTracking().Where(c => c.AgentId == me),
            _ => db.Conversations.AsNoTracking().Where(c => c.CandidateId == me),
        };
        // One value as an equality, not IN: an index range in (CreatedAt, Id) order on both providers.
        if (filter.Statuses is [var status]) conversations = conversations.Where(c => c.Status == status);
        else if (filter.Statuses is { } statuses) conversations = conversations.Where(c => statuses.Contains(c.Status));
        if (filter.Priorities is [var priority]) conversations = conversations.Where(c => c.Priority == priority);
        else if (filter.Priorities is { } priorities) conversations = conversations.Where(c => priorities.Contains(c.Priority));
        if (filter.CandidateId is { } candidateId) conversations = conversations.Where(c => c.CandidateId == candidateId);
        if (filter.AgentId is { } agentId) conversations = conversations.Where(c => c.AgentId == agentId);
        if (filter.SupervisorId is { } supervisorId) conversations = conversations.Where(c => c.SupervisorId == supervisorId);
        // Lower-cased on both sides by .NET, so SQLite (whose lower() knows only ASCII) and PostgreSQL agree.
        // A LIKE pattern with the wildcards escaped, not Contains: PostgreSQL's trigram index serves LIKE, not strpos().
        if (filter.SubjectContainsLower is { } q)
        {
            var pattern = $"%{q.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_")}%";
            conversations = conversations.Where(c => c.SubjectLower != null && EF.Functions.Like(c.SubjectLower, pattern, @"\"));
        }
        if (filter.CreatedFrom is { } from) conversations = conversations.Where(c => c.CreatedAt >= from);
        if (filter.CreatedTo is { } to) conversations = conversations.Where(c => c.CreatedAt < to);
        if (filter.After is var (at, id))
            // The first condition follows from the second; stated alone, it is what both databases turn into an index range.
            conversations = conversations.Where(c => c.CreatedAt <= at && (c.CreatedAt < at || c.Id < id));

        var rows = await conversations.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id).Take(filter.Limit + 1)
            .SelectRows(db).ToListAsync(ct);
        var hasMore = rows.Count > filter.Limit;
        if (hasMore) rows.RemoveAt(rows.Count - 1);
        return (rows, hasMore);
    }
}
