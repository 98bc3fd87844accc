using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;
using SupportChat.Realtime;

namespace SupportChat.Features.CloseConversation;

sealed record CloseConversationResponse(ObjectId ConversationId, string Status);

/// <summary>POST /conversations/{id}/close, admins (any) and supervisors (own): close a conversation no agent has joined yet.</summary>
sealed class CloseConversationEndpoint : IEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/conversations/{id}/close", Handle)
        .RequireRoles(Roles.Admin, Roles.Supervisor)
        .Produces<Envelope<CloseConversationResponse>>()
        .ProducesErrors(400, 401, 403, 404)
        .WithName("CloseConversation").WithTags("Conversations").WithSummary("Close an open conversation");

    static async Task<IResult> Handle(ObjectId id, ClaimsPrincipal caller, SupportChatDb db, ConversationCloser closer, CancellationToken ct)
    {
        var conversation = await db.Conversations.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (conversation is null) return ApiResult.Fail(404, ErrorMessages.ConversationNotFound);
        if (caller.Role() == Roles.Supervisor && conversation.SupervisorId != caller.UserId())
            return ApiResult.Fail(403, ErrorMessages.NotAllowed);
        if (conversation.Status != ConversationStatus.Open) return ApiResult.Fail(400, ErrorMessages.ConversationNotOpen);

        // Conditional on 'open': if an agent's join or another close got there first, this one is refused.
        if (!await closer.CloseAsync(db, id, ConversationStatus.Open))
            return ApiResult.Fail(400, ErrorMessages.ConversationNotOpen);

        return ApiResult.Ok(new CloseConversationResponse(id, ConversationStatus.Closed));
    }
}
