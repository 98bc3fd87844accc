using System.Text.Json.Serialization;
using SupportChat.Common;

namespace SupportChat.Features.GetConversation;

sealed record GetConversationResponse(
    [property: JsonPropertyName("_id")] ObjectId Id,
    string Status,
    ObjectId? AgentId,
    ObjectId SupervisorId,
    ObjectId CandidateId,
    IReadOnlyList<GetConversationMessage> Messages);

sealed record GetConversationMessage(ObjectId SenderId, string SenderRole, string Content, DateTime CreatedAt);
