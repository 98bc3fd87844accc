using FluentValidation;
using SupportChat.Common;

namespace SupportChat.Features.Assign;

/// <summary><c>agentId</c> is a string: a malformed one is answered "Agent not found", not a schema error.</summary>
sealed record AssignRequest(string? AgentId);

sealed record AssignResponse(ObjectId ConversationId, ObjectId AgentId, ObjectId SupervisorId);

sealed class AssignValidator : AbstractValidator<AssignRequest>
{
    public AssignValidator() => RuleFor(r => r.AgentId).NotNull();
}
