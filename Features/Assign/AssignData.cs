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

    /// <summary>Sets the agent unless the conversation closed meanwhile; false if it did.</summary>
    internal static async Task<bool> AssignAgentAsync(this SupportChatDb db, ObjectId conversationId, ObjectId agentId, CancellationToken ct) =>
        await db.Conversations
            .Where(c => c.Id == conversationId && c.Status != ConversationStatus.Closed)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.AgentId, agentId), ct) == 1;
}
