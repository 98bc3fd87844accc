using FastEndpoints;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Conversations;
using SupportChat.Common.Data;
using SupportChat.Common.Http;
using SupportChat.Realtime;

namespace SupportChat.Features.CreateConversation;

/// <summary>POST /conversations, candidates only: ask a supervisor for help, with an optional subject, priority and opening message; one active conversation per candidate.</summary>
sealed class CreateConversationEndpoint(SupportChatDb db, RoomStore rooms, MessageBudget budget, Notifications notifications) : Endpoint<CreateConversationRequest, Envelope<ConversationObject>>
{
    public override void Configure()
    {
        Post("/conversations");
        Roles(Access.RolesThatMay(Permission.OpenConversation));
        Description(route => route.ProducesEnvelope<ConversationObject>(201).ProducesErrors(404, 409, 413, 415, 429));
        Summary(s =>
        {
            s.Summary = "Open a support conversation";
            s.Description = "At most one open-or-assigned conversation per candidate, also under concurrent requests (409). "
                + "subject (1–200 code points after trimming), priority (low, normal, high, urgent; default normal) and message (the "
                + "opening message, seq 1, with SEND_MESSAGE's rules) are optional; a wrong type or value of any is 400. The opening "
                + "message counts toward the candidate's message budget (429 with Retry-After past it). 201 with the whole conversation object.";
            s.ExampleRequest = new CreateConversationRequest
            {
                SupervisorId = "6740c0de5d1a2b3c4d000001", Subject = "Order #4711 never arrived", Priority = "high", Message = "Hello! My order never arrived.",
            };
        });
    }

    public override async Task HandleAsync(CreateConversationRequest req, CancellationToken ct)
    {
        var me = User.UserId();
        if (req.Message is not null && !budget.TrySpend(me, out var retryAfter))
        {
            HttpContext.Response.Headers.RetryAfter = retryAfter.ToString();
            await Send.FailAsync(429, ErrorMessages.TooManyRequests, ct);
            return;
        }
        if (!ObjectId.TryParse(req.SupervisorId, out var supervisorId) || !await db.IsSupervisorAsync(supervisorId, ct))
        {
            await Send.FailAsync(404, ErrorMessages.SupervisorNotFound, ct);
            return;
        }

        var conversation = new Conversation
        {
            CandidateId = me, SupervisorId = supervisorId, Priority = req.Priority ?? ConversationPriority.Normal,
        };
        conversation.SetSubject(req.Subject?.Trim());
        // Redis engine: an opening message that cannot be appended must not leave a conversation behind without it (a
        // retry would meet "already has an active conversation"), so an outage is answered before anything is written.
        if (req.Message is not null && !rooms.CanAppend) { await Send.FailAsync(503, ErrorMessages.Unavailable, ct); return; }
        var epoch = rooms.MembershipEpoch;   // before the conversation exists, so no close can precede it
        // No check-then-insert: the filtered unique index is what holds when creates race.
        if (!await db.TryInsertAsync(conversation, AuditEvent.ConversationCreated(conversation), ct)) { await Send.FailAsync(409, ErrorMessages.ActiveConversationExists, ct); return; }
        if (req.Message is not null)
        {
            // Seq 1 of the live transcript, appended like a socket send, so the checkpoint saves it like any other (a crash
            // before the next checkpoint loses it, as it would a socket message). Its supervisor could close the
            // conversation in between: then the close's outcome decides, as for any HTTP send.
            var (appended, lostToClose) = await rooms.AppendCheckedAsync(conversation.Id, me, Common.Auth.Roles.Candidate, req.Message, epoch,
                new Participants(me, null), () => db.IsClosedAsync(conversation.Id, ct));
            if (appended is null && !lostToClose) throw new InvalidOperationException("The server is shutting down: the opening message was not accepted.");
        }

        // After the opening message, so the notification's object already counts it.
        await notifications.ConversationCreatedAsync(conversation.Id);
        var created = await db.GetConversationObjectAsync(conversation.Id, rooms, ct);
        await Send.ResponseAsync(Envelope.Of(created!), 201, ct);
    }
}
