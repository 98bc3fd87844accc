using FastEndpoints;
using SupportChat.Common.Auth;
using SupportChat.Common.Conversations;
using SupportChat.Common.Data;
using SupportChat.Common.Http;
using SupportChat.Realtime;

namespace SupportChat.Features.GetConversation;

/// <summary>GET /conversations/{id}: admins see any conversation; others only their own (candidate, assigned agent, supervisor).</summary>
sealed class GetConversationEndpoint(SupportChatDb db, RoomStore rooms) : Endpoint<GetConversationRequest, Envelope<GetConversationResponse>>
{
    public override void Configure()
    {
        Get("/conversations/{id}");
        Roles(Access.RolesThatMay(Permission.ViewConversation));
        Description(route => route.ProducesErrors(400, 403, 404));   // 403: not the caller's conversation
        Summary(s =>
        {
            s.Summary = "A conversation with its messages";
            s.Description = "The conversation object (subject, priority, createdAt, closedAt, lastMessageAt, lastMessagePreview, "
                + "messageCount, unreadByCandidate, unreadByAgent, exact at any moment) and every message, oldest first, each with its seq. "
                + "Messages are the live ones while the conversation is open or assigned, the persisted ones once closed.";
        });
    }

    public override async Task HandleAsync(GetConversationRequest req, CancellationToken ct)
    {
        // Live transcript first: if the conversation closes between the two reads, the status read below says so
        // and the persisted transcript is used instead, so no message is ever missing from the answer.
        var live = rooms.Transcript(req.Id);
        var row = await db.GetConversationRowAsync(req.Id, ct);
        if (row is null) { await Send.FailAsync(404, ErrorMessages.ConversationNotFound, ct); return; }
        if (!User.MayRead(row.CandidateId, row.AgentId, row.SupervisorId)) { await Send.FailAsync(403, ErrorMessages.NotAllowed, ct); return; }

        var messages = row.Status == ConversationStatus.Closed
            ? await db.GetPersistedMessagesAsync(req.Id, ct)
            : [.. live.Select((m, i) => (Message: m, Seq: i + 1)).Where(x => !x.Message.IsLost).Select(x => MessageObject.Of(x.Message, x.Seq))];
        // The figures from the same transcript as the messages, so the two always agree.
        var conversation = ConversationObject.From(row, LiveSummary.Of(live, row.CandidateReadSeq, row.AgentReadSeq));
        await Send.OkAsync(Envelope.Of(GetConversationResponse.Of(conversation, messages)), ct);
    }
}
