using System.Security.Claims;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;
using SupportChat.Realtime;

namespace SupportChat.Features.Assign;

/// <summary>POST /conversations/{id}/assign, supervisors only: hand the conversation to one of the caller's agents, or reassign it.</summary>
sealed class AssignEndpoint : IEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/conversations/{id}/assign", Handle)
        .RequireRoles(Roles.Supervisor)
        .Validate<AssignRequest>()
        .Produces<Envelope<AssignResponse>>()
        .ProducesErrors(400, 401, 403, 404, 413, 415)
        .WithName("Assign").WithTags("Conversations").WithSummary("Assign or reassign an agent");

    static async Task<IResult> Handle(ObjectId id, AssignRequest body, ClaimsPrincipal caller, SupportChatDb db, RoomStore rooms, CancellationToken ct)
    {
        var conversation = await db.FindConversationAsync(id, ct);
        if (conversation is null) return ApiResult.Fail(404, ErrorMessages.ConversationNotFound);
        if (conversation.SupervisorId != caller.UserId() || conversation.Status == ConversationStatus.Closed)
            return ApiResult.Fail(403, ErrorMessages.CannotAssign);

        var agent = ObjectId.TryParse(body.AgentId, out var agentId) ? await db.FindAgentAsync(agentId, ct) : null;
        if (agent is null) return ApiResult.Fail(404, ErrorMessages.AgentNotFound);
        if (agent.SupervisorId != caller.UserId()) return ApiResult.Fail(403, ErrorMessages.AgentNotYours);

        // Conditional: a close that committed since the read above wins, and the assignment is refused like any closed one.
        if (!await db.AssignAgentAsync(id, agent.Id, ct)) return ApiResult.Fail(403, ErrorMessages.CannotAssign);
        rooms.EvictAgentsExcept(id, agent.Id);   // contract: the previous agent leaves the room at once

        return ApiResult.Ok(new AssignResponse(id, agent.Id, conversation.SupervisorId));
    }
}
