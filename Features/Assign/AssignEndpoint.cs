using FastEndpoints;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;
using SupportChat.Realtime;

namespace SupportChat.Features.Assign;

/// <summary>POST /conversations/{id}/assign, supervisors only: hand the conversation to one of the caller's agents, or reassign it.</summary>
sealed class AssignEndpoint(SupportChatDb db, RoomStore rooms, Notifications notifications) : Endpoint<AssignRequest, Envelope<AssignResponse>>
{
    public override void Configure()
    {
        Post("/conversations/{id}/assign");
        Roles(Access.RolesThatMay(Permission.Assign));
        Description(route => route.ProducesErrors(404, 413, 415));
        Summary(s =>
        {
            s.Summary = "Assign or reassign an agent";
            s.Description = "Allowed while the conversation is open or assigned; the status stays as it is. "
                + "Reassignment removes the previous agent's sockets from the room at once. Subscribed sockets are notified "
                + "(CONVERSATION_ASSIGNED, CONVERSATION_UNASSIGNED, CONVERSATION_UPDATED; see /asyncapi.json).";
            s.ExampleRequest = new AssignRequest { AgentId = "6740c0de5d1a2b3c4d000004" };
        });
    }

    public override async Task HandleAsync(AssignRequest req, CancellationToken ct)
    {
        var me = User.UserId();
        var conversation = await db.FindConversationAsync(req.Id, ct);
        if (conversation is null) { await Send.FailAsync(404, ErrorMessages.ConversationNotFound, ct); return; }
        if (conversation.SupervisorId != me || conversation.Status == ConversationStatus.Closed)
        {
            await Send.FailAsync(403, ErrorMessages.CannotAssign, ct);
            return;
        }

        var agent = ObjectId.TryParse(req.AgentId, out var agentId) ? await db.FindAgentAsync(agentId, ct) : null;
        if (agent is null) { await Send.FailAsync(404, ErrorMessages.AgentNotFound, ct); return; }
        if (agent.SupervisorId != me) { await Send.FailAsync(403, ErrorMessages.AgentNotYours, ct); return; }

        // Conditional: a close that committed since the read above wins, and the assignment is refused like any closed one.
        var (outcome, previousAgentId) = await db.AssignAgentAsync(req.Id, agent.Id, AuditActor.Of(User), ct);
        if (outcome == AssignOutcome.Refused)
        {
            await Send.FailAsync(403, ErrorMessages.CannotAssign, ct);
            return;
        }
        await rooms.EvictAgentsExceptAsync(req.Id, agent.Id);   // contract: the previous agent leaves the room at once
        if (outcome == AssignOutcome.Assigned) await notifications.ConversationAssignedAsync(req.Id, agent.Id, previousAgentId);

        await Send.OkAsync(Envelope.Of(new AssignResponse(req.Id, agent.Id, conversation.SupervisorId)), ct);
    }
}
