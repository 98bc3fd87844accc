using System.Text.Json.Serialization;
using FastEndpoints;
using FluentValidation;
using SupportChat.Common;

namespace SupportChat.Features.CreateConversation;

/// <summary><c>{supervisorId}</c>, a string: a malformed one is answered "Supervisor not found", not a schema error (CONTRACT.md).</summary>
sealed class CreateConversationRequest
{
    public string? SupervisorId { get; set; }
}

sealed record CreateConversationResponse([property: JsonPropertyName("_id")] ObjectId Id, string Status, ObjectId SupervisorId);

sealed class CreateConversationValidator : Validator<CreateConversationRequest>
{
    public CreateConversationValidator() => RuleFor(r => r.SupervisorId).NotNull();
}
