using FastEndpoints;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;
using SupportChat.Realtime;

namespace SupportChat.Features.CloseConversation;

/// <summary>The conversation id from the path; the body, if any, is ignored.</summary>
sealed class CloseConversationRequest
{
    [RouteParam] public ObjectId Id { get; set; }
}

sealed record CloseConversationResponse(ObjectId ConversationId, string Status);

/// <summary>POST /conversations/{id}/close, admins (any) and supervisors (own): close a conversation no agent has joined yet.</summary>
sealed class CloseConversationEndpoint(SupportChatDb db, ConversationCloser closer) : Endpoint<CloseConversationRequest, Envelope<CloseConversationResponse>>
{
    public override void Configure()
    {
        Post("/conversations/{id}/close");
        Roles(Access.RolesThatMay(Permission.CloseUnassigned));
        Description(route => route.ProducesErrors(400, 404));
        Summary(s =>
        {
            s.Summary = "Close an open conversation";
            s.Description = "Only while the status is open (no agent has joined). Live messages are persisted first and the room is told.";
        });
    }

    public override async Task HandleAsync(CloseConversationRequest req, CancellationToken ct)
    {
        var conversation = await db.Conversations.AsNoTracking().SingleOrDefaultAsync(c => c.Id == req.Id, ct);
        if (conversation is null) { await Send.FailAsync(404, ErrorMessages.ConversationNotFound, ct); return; }
        if (User.Role() == Common.Auth.Roles.Supervisor && conversation.SupervisorId != User.UserId())
        {
            await Send.FailAsync(403, ErrorMessages.NotAllowed, ct);
            return;
        }
        if (conversation.Status != ConversationStatus.Open) { await Send.FailAsync(400, ErrorMessages.ConversationNotOpen, ct); return; }

        // Conditional on 'open': if an agent's join or another close got there first, this one is refused.
        if (!await closer.CloseAsync(db, req.Id, ConversationStatus.Open, AuditActor.Of(User), CloseVia.Http))
        {
            await Send.FailAsync(400, ErrorMessages.ConversationNotOpen, ct);
            return;
        }

        await Send.OkAsync(Envelope.Of(new CloseConversationResponse(req.Id, ConversationStatus.Closed)), ct);
    }
}
