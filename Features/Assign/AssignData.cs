using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;

namespace SupportChat.Features.Assign;

static class AssignData
{
    internal static Task<Conversation?> FindConversationAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        db.Conversations.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);

    internal static Task<User?> FindAgentAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id && u.Role == Roles.Agent, ct);

    /// <summary>
    /// Sets the agent unless the conversation closed meanwhile, and records the change with the agent it replaced, in
    /// one transaction. The update is conditional on the agent read just before, so the event's previousAgentId is the
    /// one really replaced: when another assignment got in between, nothing is written and the read is done again.
    /// Also returns the agent it replaced: null on the first assignment, and when nothing changed.
    /// </summary>
    internal static async Task<(AssignOutcome Outcome, ObjectId? PreviousAgentId)> AssignAgentAsync(this SupportChatDb db, ObjectId conversationId,
        ObjectId agentId, AuditActor by, CancellationToken ct)
    {
        while (true)
        {
            var current = await db.Conversations.AsNoTracking()
                .Where(c => c.Id == conversationId)
                .Select(c => new { c.Status, c.AgentId })
                .SingleOrDefaultAsync(ct);
            if (current is null || current.Status == ConversationStatus.Closed) return (AssignOutcome.Refused, null);
            if (current.AgentId == agentId) return (AssignOutcome.Unchanged, null);   // nothing changes, so nothing to record

            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var previousAgentId = current.AgentId;
            var updated = await db.Conversations
                .Where(c => c.Id == conversationId && c.Status != ConversationStatus.Closed && c.AgentId == previousAgentId)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.AgentId, agentId), ct);
            if (updated == 0) continue;   // rolled back as the transaction is disposed
            await db.AppendAuditAsync([AuditEvent.Assigned(by, conversationId, agentId, previousAgentId)], ct);
            await transaction.CommitAsync(ct);
            return (AssignOutcome.Assigned, previousAgentId);
        }
    }
}

/// <summary>What <see cref="AssignData.AssignAgentAsync"/> did.</summary>
enum AssignOutcome
{
    /// <summary>The conversation closed meanwhile: nothing changed.</summary>
    Refused,
    /// <summary>The agent already had it: a harmless success that changes nothing.</summary>
    Unchanged,
    /// <summary>The agent was set and the event recorded.</summary>
    Assigned,
}
