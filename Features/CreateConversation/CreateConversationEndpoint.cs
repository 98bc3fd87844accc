using FastEndpoints;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;
using SupportChat.Realtime;

namespace SupportChat.Features.CreateConversation;

/// <summary>POST /conversations, candidates only: ask a supervisor for help; one active conversation per candidate.</summary>
sealed class CreateConversationEndpoint(SupportChatDb db, Notifications notifications) : Endpoint<CreateConversationRequest, Envelope<CreateConversationResponse>>
{
    public override void Configure()
    {
        Post("/conversations");
        Roles(Access.RolesThatMay(Permission.OpenConversation));
        Description(route => route.ProducesEnvelope<CreateConversationResponse>(201).ProducesErrors(404, 409, 413, 415));
        Summary(s =>
        {
            s.Summary = "Open a support conversation";
            s.Description = "At most one open-or-assigned conversation per candidate, also under concurrent requests (409).";
            s.ExampleRequest = new CreateConversationRequest { SupervisorId = "6740c0de5d1a2b3c4d000001" };
        });
    }

    public override async Task HandleAsync(CreateConversationRequest req, CancellationToken ct)
    {
        if (!ObjectId.TryParse(req.SupervisorId, out var supervisorId) || !await db.IsSupervisorAsync(supervisorId, ct))
        {
            await Send.FailAsync(404, ErrorMessages.SupervisorNotFound, ct);
            return;
        }

        var conversation = new Conversation { CandidateId = User.UserId(), SupervisorId = supervisorId };
        // No check-then-insert: the filtered unique index is what holds when creates race.
        if (!await db.TryInsertAsync(conversation, AuditEvent.ConversationCreated(conversation), ct)) { await Send.FailAsync(409, ErrorMessages.ActiveConversationExists, ct); return; }
        await notifications.ConversationCreatedAsync(conversation.Id);

        await Send.ResponseAsync(Envelope.Of(new CreateConversationResponse(conversation.Id, conversation.Status, supervisorId)), 201, ct);
    }
}
