using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common.Data;

namespace SupportChat.Common.Conversations;

/// <summary>
/// The conversation object, one type for every place that returns one (CONTRACT.md Part 2 "Conversation fields": create,
/// get, list, patch, notifications): <c>GET /conversations/:id</c> is this plus <c>messages</c>, and the CONVERSATION_*
/// notifications carry it as their data. A field added here reaches all of them.
/// </summary>
/// <param name="Id">The conversation's id.</param>
/// <param name="Status">open, assigned or closed.</param>
/// <param name="AgentId">The assigned agent; null until assigned.</param>
/// <param name="SupervisorId">The supervisor it is addressed to.</param>
/// <param name="CandidateId">The candidate who opened it.</param>
sealed record ConversationObject(
    [property: JsonPropertyName("_id")] ObjectId Id,
    string Status,
    ObjectId? AgentId,
    ObjectId SupervisorId,
    ObjectId CandidateId);

/// <summary>Reading conversation objects.</summary>
static class ConversationObjects
{
    /// <summary>One conversation's object as stored now, or null if there is no such conversation.</summary>
    public static async Task<ConversationObject?> GetConversationObjectAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        await db.Conversations.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new ConversationObject(c.Id, c.Status, c.AgentId, c.SupervisorId, c.CandidateId))
            .SingleOrDefaultAsync(ct);
}
