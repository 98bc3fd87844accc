using System.Text.Json.Serialization;
using FastEndpoints;
using SupportChat.Common;

namespace SupportChat.Features.GetConversation;

sealed class GetConversationRequest
{
    [RouteParam] public ObjectId Id { get; set; }
}

sealed record GetConversationResponse(
    [property: JsonPropertyName("_id")] ObjectId Id,
    string Status,
    ObjectId? AgentId,
    ObjectId SupervisorId,
    ObjectId CandidateId,
    IReadOnlyList<GetConversationMessage> Messages);

/// <summary>One message, oldest first in <see cref="GetConversationResponse.Messages"/>.</summary>
sealed record GetConversationMessage(ObjectId SenderId, string SenderRole, string Content, DateTime CreatedAt);
