using System.Text.Json.Serialization;
using FastEndpoints;
using SupportChat.Common;
using SupportChat.Common.Conversations;

namespace SupportChat.Features.GetConversation;

sealed class GetConversationRequest
{
    [RouteParam] public ObjectId Id { get; set; }
}

/// <summary>Part 1's <c>{_id, status, agentId, supervisorId, candidateId, messages}</c> with Part 2's conversation fields.</summary>
/// <param name="Id">The conversation's id.</param>
/// <param name="Status">open, assigned or closed.</param>
/// <param name="AgentId">The assigned agent; null until assigned.</param>
/// <param name="SupervisorId">The supervisor it is addressed to.</param>
/// <param name="CandidateId">The candidate who opened it.</param>
/// <param name="Messages">Every message, oldest first: the live ones while open or assigned, the persisted ones once closed.</param>
/// <param name="Subject">1–200 Unicode code points, trimmed; null when none.</param>
/// <param name="Priority">low, normal, high or urgent.</param>
/// <param name="CreatedAt">When it was opened.</param>
/// <param name="ClosedAt">When it was closed; null until then.</param>
/// <param name="LastMessageAt">When its last message was sent; null without messages.</param>
/// <param name="LastMessagePreview">The first 100 UTF-16 code units of the last message; null without messages.</param>
/// <param name="MessageCount">How many messages it has; also the last seq.</param>
/// <param name="UnreadByCandidate">Messages from staff the candidate side has not marked read.</param>
/// <param name="UnreadByAgent">Messages from the candidate the agent side has not marked read.</param>
sealed record GetConversationResponse(
    [property: JsonPropertyName("_id")] ObjectId Id,
    string Status,
    ObjectId? AgentId,
    ObjectId SupervisorId,
    ObjectId CandidateId,
    IReadOnlyList<MessageObject> Messages,
    string? Subject,
    string Priority,
    DateTime CreatedAt,
    DateTime? ClosedAt,
    DateTime? LastMessageAt,
    string? LastMessagePreview,
    int MessageCount,
    int UnreadByCandidate,
    int UnreadByAgent)
{
    public static GetConversationResponse Of(ConversationObject c, IReadOnlyList<MessageObject> messages) => new(
        c.Id, c.Status, c.AgentId, c.SupervisorId, c.CandidateId, messages, c.Subject, c.Priority, c.CreatedAt, c.ClosedAt,
        c.LastMessageAt, c.LastMessagePreview, c.MessageCount, c.UnreadByCandidate, c.UnreadByAgent);
}
