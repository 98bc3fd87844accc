using FastEndpoints;
using SupportChat.Common.Auth;
using SupportChat.Common.Conversations;
using SupportChat.Common.Data;
using SupportChat.Common.Http;
using SupportChat.Realtime;

namespace SupportChat.Features.UpdateConversation;

/// <summary>PATCH /conversations/{id}, admins (any) and supervisors (own): set the priority or subject, in any status.</summary>
sealed class UpdateConversationEndpoint(SupportChatDb db, RoomStore rooms, Notifications notifications) : Endpoint<UpdateConversationRequest, Envelope<ConversationObject>>
{
    public override void Configure()
    {
        Patch("/conversations/{id}");
        Roles(Access.RolesThatMay(Permission.Triage));
        Description(route => route.ProducesErrors(400, 404, 413, 415));
        Summary(s =>
        {
            s.Summary = "Set a conversation's priority or subject";
            s.Description = "A body with at least one of priority (low, normal, high, urgent) and subject (1–200 code points after "
                + "trimming; null clears it); anything else in the body is ignored, and an empty change is 400. Allowed in every status. "
                + "A supervisor may change only conversations addressed to them (403 otherwise). A change is recorded in the audit trail "
                + "as conversation.updated (the changed fields, and the old and new priority when it changed). 200 with the conversation.";
            s.RequestExamples.Add(new(System.Text.Json.JsonDocument.Parse("""{"priority":"urgent","subject":"Refund for order #4711"}""").RootElement, "set both"));
            s.RequestExamples.Add(new(System.Text.Json.JsonDocument.Parse("""{"subject":null}""").RootElement, "clear the subject"));
        });
    }

    public override async Task HandleAsync(UpdateConversationRequest req, CancellationToken ct)
    {
        var supervisorId = await db.FindSupervisorIdAsync(req.Id, ct);
        if (supervisorId is null) { await Send.FailAsync(404, ErrorMessages.ConversationNotFound, ct); return; }
        if (User.Role() == Common.Auth.Roles.Supervisor && supervisorId != User.UserId())
        {
            await Send.FailAsync(403, ErrorMessages.NotAllowed, ct);
            return;
        }

        // CONTRACT.md Part 2: a priority or subject change is a CONVERSATION_UPDATED, once it has committed.
        if (await db.UpdateAsync(req.Id, req, AuditActor.Of(User), ct)) await notifications.ConversationUpdatedAsync(req.Id);
        await Send.OkAsync(Envelope.Of((await db.GetConversationObjectAsync(req.Id, rooms, ct))!), ct);
    }
}
