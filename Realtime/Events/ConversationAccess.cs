using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Realtime.Events;

/// <summary>The participants and status of one conversation: what JOIN and CLOSE check before they act.</summary>
sealed record ConversationAccess(ObjectId CandidateId, ObjectId? AgentId, string Status)
{
    /// <summary>Compiled once: every JOIN runs this, and an uncompiled LINQ query pays for parameter extraction and the
    /// query-cache lookup on each call.</summary>
    public static readonly Func<SupportChatDb, ObjectId, CancellationToken, Task<ConversationAccess?>> FindAsync =
        EF.CompileAsyncQuery((SupportChatDb db, ObjectId id, CancellationToken ct) => db.Conversations.AsNoTracking()
            .Where(c => c.Id == id)
            .Select(c => new ConversationAccess(c.CandidateId, c.AgentId, c.Status))
            .SingleOrDefault());
}
