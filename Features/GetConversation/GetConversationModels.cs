using System.Text.Json.Serialization;
using FastEndpoints;
using SupportChat.Common;
using SupportChat.Common.Data;
using SupportChat.Common.Conversations;

namespace SupportChat.Features.GetConversation;

sealed class GetConversationRequest
{
    [RouteParam] public ObjectId Id { get; set; }
}

/// <summary>The conversation object (<see cref="ConversationObject"/>, whose fields it repeats in its order) with its messages.</summary>
sealed record GetConversationResponse(
    [property: JsonPropertyName("_id")] ObjectId Id,
    string Status,
    ObjectId? AgentId,
    ObjectId SupervisorId,
    ObjectId CandidateId,
    IReadOnlyList<GetConversationMessage> Messages)
{
    public static GetConversationResponse Of(ConversationObject c, IReadOnlyList<GetConversationMessage> messages) =>
        new(c.Id, c.Status, c.AgentId, c.SupervisorId, c.CandidateId, messages);
}

/// <summary>One message, oldest first in <see cref="GetConversationResponse.Messages"/>.</summary>
/// <param name="SenderId">Who sent it.</param>
/// <param name="SenderRole"><c>candidate</c> or <c>agent</c>.</param>
/// <param name="Content">As sent; may be empty when the message carries attachments.</param>
/// <param name="CreatedAt">When the server accepted it.</param>
/// <param name="Attachments">Only on a message with attachments (CONTRACT.md "Attachments"); absent otherwise, so Part 1 clients see Part 1's shape.</param>
sealed record GetConversationMessage(ObjectId SenderId, string SenderRole, string Content, DateTime CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<MessageAttachment>? Attachments = null);
