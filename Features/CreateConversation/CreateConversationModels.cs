using System.Text.Json.Serialization;
using FluentValidation;
using SupportChat.Common;

namespace SupportChat.Features.CreateConversation;

/// <summary><c>supervisorId</c> is a string: a malformed one is answered "Supervisor not found", not a schema error.</summary>
sealed record CreateConversationRequest(string? SupervisorId);

sealed record CreateConversationResponse([property: JsonPropertyName("_id")] ObjectId Id, string Status, ObjectId SupervisorId);

sealed class CreateConversationValidator : AbstractValidator<CreateConversationRequest>
{
    public CreateConversationValidator() => RuleFor(r => r.SupervisorId).NotNull();
}
