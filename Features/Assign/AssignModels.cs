using FastEndpoints;
using FluentValidation;
using SupportChat.Common;

namespace SupportChat.Features.Assign;

/// <summary>
/// The path's conversation id and <c>{agentId}</c>. <c>agentId</c> is a string: a malformed one is answered
/// "Agent not found", not a schema error (CONTRACT.md).
/// </summary>
sealed class AssignRequest
{
    /// <summary>The conversation, from the path only: a body "id" never overrides it.</summary>
    [RouteParam] public ObjectId Id { get; set; }
    public string? AgentId { get; set; }
}

sealed record AssignResponse(ObjectId ConversationId, ObjectId AgentId, ObjectId SupervisorId);

sealed class AssignValidator : Validator<AssignRequest>
{
    public AssignValidator() => RuleFor(r => r.AgentId).NotNull();
}
