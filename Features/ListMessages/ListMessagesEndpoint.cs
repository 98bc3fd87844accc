using FastEndpoints;
using SupportChat.Common.Auth;
using SupportChat.Common.Conversations;
using SupportChat.Common.Data;
using SupportChat.Common.Http;
using SupportChat.Realtime;

namespace SupportChat.Features.ListMessages;

/// <summary>GET /conversations/{id}/messages: a page of the message history, with GET /conversations/{id}'s access rules.</summary>
sealed class ListMessagesEndpoint(SupportChatDb db, RoomStore rooms) : Endpoint<ListMessagesRequest, Envelope<ListMessagesResponse>>
{
    public override void Configure()
    {
        Get("/conversations/{id}/messages");
        Roles(Access.RolesThatMay(Permission.ViewConversation));
        Description(route => route.ProducesErrors(400, 403, 404));   // 403: not the caller's conversation
        Summary(s =>
        {
            s.Summary = "A page of a conversation's messages";
            s.Description = "Admins any conversation; candidate, assigned agent and supervisor their own. Without before/after: the last "
                + "limit messages; before=S: the last limit with seq < S; after=S: the first limit with seq > S (at most one of the two). "
                + "Always oldest first; hasMore says whether more exist beyond the page in the direction of the query. The same for live "
                + "and closed conversations.";
        });
    }

    public override async Task HandleAsync(ListMessagesRequest req, CancellationToken ct)
    {
        var limit = req.Limit ?? ListMessagesRequest.DefaultLimit;
        // Live page first: if the conversation closes between the two reads, the status read below says so and the
        // persisted transcript is used instead, so no message is ever missing from the page.
        var (liveWindow, live) = rooms.TranscriptPage(req.Id, req.Before, req.After, limit);
        var conversation = await db.FindConversationAsync(req.Id, ct);
        if (conversation is null) { await Send.FailAsync(404, ErrorMessages.ConversationNotFound, ct); return; }
        if (!User.MayRead(conversation.CandidateId, conversation.AgentId, conversation.SupervisorId))
        {
            await Send.FailAsync(403, ErrorMessages.NotAllowed, ct);
            return;
        }

        if (conversation.Status == ConversationStatus.Closed)
        {
            var (window, messages) = await db.GetPersistedPageAsync(req.Id, req.Before, req.After, limit, ct);
            await Send.OkAsync(Envelope.Of(new ListMessagesResponse(messages, window.HasMore)), ct);
            return;
        }
        // Placeholders of messages the Redis engine lost (LiveMessage.Lost) keep their seq free and are not listed.
        var items = live.Select((m, i) => (Message: m, Seq: liveWindow.FirstSeq + i)).Where(x => !x.Message.IsLost)
            .Select(x => MessageObject.Of(x.Message, x.Seq)).ToList();
        await Send.OkAsync(Envelope.Of(new ListMessagesResponse(items, liveWindow.HasMore)), ct);
    }
}
