using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Realtime.Scaleout;

/// <summary>
/// Redis engine: the database's word where Redis may have missed a change that committed there: whether a conversation is
/// closed (a close's fence that outlived its close; transcripts to write back after Redis lost its data) and whom it is
/// assigned to (evictions that could not be published while Redis was away).
/// </summary>
sealed class ConversationStatuses(IDbContextFactory<SupportChatDb> contexts, DatabaseGate gate)
{
    /// <summary>True when the conversation is closed (or does not exist: nothing may be appended to it either).</summary>
    public Task<bool> IsClosedAsync(ObjectId conversationId) => gate.RunAsync(async () =>
    {
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        return !await db.Conversations.AnyAsync(c => c.Id == conversationId && c.Status != ConversationStatus.Closed);
    }, CancellationToken.None);

    /// <summary>The agent each of <paramref name="conversationIds"/> is assigned to now (absent: none, or no such conversation).</summary>
    public Task<Dictionary<ObjectId, ObjectId>> AssignedAgentsAsync(IReadOnlyCollection<ObjectId> conversationIds) => gate.RunAsync(async () =>
    {
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        return await db.Conversations.Where(c => conversationIds.Contains(c.Id) && c.AgentId != null)
            .ToDictionaryAsync(c => c.Id, c => c.AgentId!.Value);
    }, CancellationToken.None);
}
