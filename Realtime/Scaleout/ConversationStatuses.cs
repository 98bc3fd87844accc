using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Realtime.Scaleout;

/// <summary>
/// Redis engine: the database's word on whether a conversation is closed, for a close's fence in Redis that outlived its
/// close (the closing instance died, or lost Redis after committing): the database, not Redis, is where a close commits.
/// </summary>
sealed class ConversationStatuses(IDbContextFactory<SupportChatDb> contexts, DatabaseGate gate)
{
    /// <summary>True when the conversation is closed (or does not exist: nothing may be appended to it either).</summary>
    public Task<bool> IsClosedAsync(ObjectId conversationId) => gate.RunAsync(async () =>
    {
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        return !await db.Conversations.AnyAsync(c => c.Id == conversationId && c.Status != ConversationStatus.Closed);
    }, CancellationToken.None);
}
