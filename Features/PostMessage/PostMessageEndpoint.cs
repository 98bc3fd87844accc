using FastEndpoints;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;
using SupportChat.Realtime;

namespace SupportChat.Features.PostMessage;

/// <summary>POST /conversations/{id}/messages, the candidate (own conversation) or the assigned agent: send a message without a socket.</summary>
sealed class PostMessageEndpoint(SupportChatDb db, RoomStore rooms, MessageBudget budget, Notifications notifications, TimeProvider clock)
    : Endpoint<PostMessageRequest, Envelope<PostMessageResponse>>
{
    public override void Configure()
    {
        Post("/conversations/{id}/messages");
        Roles(Access.RolesThatMay(Permission.Reply));
        Description(route => route.ProducesEnvelope<PostMessageResponse>(201).ProducesErrors(400, 404, 409, 413, 415, 429));
        Summary(s =>
        {
            s.Summary = "Send a message over HTTP";
            s.Description = "Appended to the live transcript like a WebSocket message and delivered as NEW_MESSAGE (with its seq) to every "
                + "socket in the room, the sender's own included. Someone else's conversation: 403; closed: 409 Conversation already "
                + "closed; an agent while the status is open: 409 Conversation not yet assigned. Counts toward the sender's message "
                + "budget, shared with WebSocket sends (429 Too many requests with Retry-After past it). attachmentIds (optional, 1-5 of the "
                + "caller's unused uploads to this conversation; content may then be empty or absent): an unusable id is 400 Invalid request schema.";
            s.ExampleRequest = new PostMessageRequest { Content = "Hi, I need help with my order." };
        });
    }

    public override async Task HandleAsync(PostMessageRequest req, CancellationToken ct)
    {
        var me = User.UserId();
        var role = User.Role();
        if (!budget.TrySpend(me, out var retryAfter))
        {
            HttpContext.Response.Headers.RetryAfter = retryAfter.ToString();   // neither stored nor delivered
            await Send.FailAsync(429, ErrorMessages.TooManyRequests, ct);
            return;
        }
        var epoch = rooms.MembershipEpoch;   // before the status is read: see RoomStore.AppendCheckedAsync
        var conversation = await db.FindConversationAsync(req.Id, ct);
        if (conversation is null) { await Send.FailAsync(404, ErrorMessages.ConversationNotFound, ct); return; }
        var isParticipant = role == Common.Auth.Roles.Agent ? conversation.AgentId == me : conversation.CandidateId == me;
        if (!isParticipant) { await Send.FailAsync(403, ErrorMessages.NotAllowed, ct); return; }
        if (conversation.Status == ConversationStatus.Closed) { await Send.FailAsync(409, ErrorMessages.AlreadyClosed, ct); return; }
        if (role == Common.Auth.Roles.Agent && conversation.Status == ConversationStatus.Open)
        {
            await Send.FailAsync(409, ErrorMessages.NotYetAssigned, ct);
            return;
        }

        IReadOnlyList<MessageAttachment>? attachments = null;
        if (req.AttachmentIds is { } ids)
        {
            // Unknown, someone else's, another conversation's or already used: part of the schema (CONTRACT.md "Attachments").
            attachments = await AttachmentClaims.TryClaimAsync(db, [.. ids.Select(id => ObjectId.Parse(id!))], me, req.Id, clock.GetUtcNow().UtcDateTime, ct);
            if (attachments is null) { await Send.FailAsync(400, ErrorMessages.InvalidSchema, ct); return; }
        }

        var (appended, lostToClose) = await rooms.AppendCheckedAsync(req.Id, me, role, req.Content ?? "", epoch,
            new Participants(conversation.CandidateId, conversation.AgentId), () => db.IsClosedAsync(req.Id, ct), attachments);
        if (appended is null && attachments is not null) await AttachmentClaims.ReleaseAsync(db, attachments);   // not sent: the uploads stay usable
        if (lostToClose) { await Send.FailAsync(409, ErrorMessages.AlreadyClosed, ct); return; }
        if (appended is null) throw new InvalidOperationException("The server is shutting down: the message was not accepted.");

        var message = appended.Message;
        notifications.MessageSent(req.Id, message, appended.Seq, appended.Participants);
        await Send.ResponseAsync(Envelope.Of(new PostMessageResponse(req.Id, message.SenderId, message.SenderRole, message.Content, message.CreatedAt,
            appended.Seq, message.Attachments)), 201, ct);
    }
}
