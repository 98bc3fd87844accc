using System.Security.Claims;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;
using SupportChat.Realtime;

namespace SupportChat.Features.GetConversation;

/// <summary>GET /conversations/{id}: admins see any conversation; others only their own (candidate, assigned agent, supervisor).</summary>
sealed class GetConversationEndpoint : IEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapGet("/conversations/{id}", Handle)
        .RequireRoles(Roles.All)
        .Produces<Envelope<GetConversationResponse>>()
        .ProducesErrors(400, 401, 403, 404)
        .WithName("GetConversation").WithTags("Conversations").WithSummary("A conversation with its messages");

    static async Task<IResult> Handle(ObjectId id, ClaimsPrincipal caller, SupportChatDb db, RoomStore rooms, CancellationToken ct)
    {
        // Live transcript first: if the conversation closes between the two reads, the status read below says so
        // and the persisted transcript is used instead, so no message is ever missing from the answer.
        var live = rooms.Transcript(id);
        var conversation = await db.FindConversationAsync(id, ct);
        if (conversation is null) return ApiResult.Fail(404, ErrorMessages.ConversationNotFound);
        if (!MayRead(caller, conversation)) return ApiResult.Fail(403, ErrorMessages.NotAllowed);

        var messages = conversation.Status == ConversationStatus.Closed
            ? await db.GetPersistedMessagesAsync(id, ct)
            : live.Select(m => new GetConversationMessage(m.SenderId, m.SenderRole, m.Content, m.CreatedAt)).ToList();
        return ApiResult.Ok(new GetConversationResponse(
            conversation.Id, conversation.Status, conversation.AgentId, conversation.SupervisorId, conversation.CandidateId, messages));
    }

    static bool MayRead(ClaimsPrincipal caller, Conversation conversation)
    {
        var me = caller.UserId();
        return caller.Role() switch
        {
            Roles.Admin => true,
            Roles.Supervisor => conversation.SupervisorId == me,
            Roles.Agent => conversation.AgentId == me,
            Roles.Candidate => conversation.CandidateId == me,
            _ => false,
        };
    }
}
