using System.Security.Claims;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;

namespace SupportChat.Features.CreateConversation;

/// <summary>POST /conversations, candidates only: ask a supervisor for help; one active conversation per candidate.</summary>
sealed class CreateConversationEndpoint : IEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/conversations", Handle)
        .RequireRoles(Roles.Candidate)
        .Validate<CreateConversationRequest>()
        .Produces<Envelope<CreateConversationResponse>>(StatusCodes.Status201Created)
        .ProducesErrors(400, 401, 403, 404, 409, 413, 415)
        .WithName("CreateConversation").WithTags("Conversations").WithSummary("Open a support conversation");

    static async Task<IResult> Handle(CreateConversationRequest body, ClaimsPrincipal caller, SupportChatDb db, CancellationToken ct)
    {
        if (!ObjectId.TryParse(body.SupervisorId, out var supervisorId) || !await db.IsSupervisorAsync(supervisorId, ct))
            return ApiResult.Fail(404, ErrorMessages.SupervisorNotFound);

        var conversation = new Conversation { CandidateId = caller.UserId(), SupervisorId = supervisorId };
        // No check-then-insert: the filtered unique index is what holds when creates race.
        if (!await db.TryInsertAsync(conversation, ct)) return ApiResult.Fail(409, ErrorMessages.ActiveConversationExists);

        return ApiResult.Ok(new CreateConversationResponse(conversation.Id, conversation.Status, supervisorId), StatusCodes.Status201Created);
    }
}
