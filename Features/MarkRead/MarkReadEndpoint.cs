using FastEndpoints;
using SupportChat.Common.Auth;
using SupportChat.Common.Conversations;
using SupportChat.Common.Data;
using SupportChat.Common.Http;
using SupportChat.Realtime;

namespace SupportChat.Features.MarkRead;

/// <summary>POST /conversations/{id}/read, the candidate (own) or the assigned agent: mark the other side's messages read for the caller's side.</summary>
sealed class MarkReadEndpoint(SupportChatDb db, RoomStore rooms) : Endpoint<MarkReadRequest, Envelope<ConversationObject>>
{
    public override void Configure()
    {
        Post("/conversations/{id}/read");
        Roles(Access.RolesThatMay(Permission.Reply));
        Description(route => route.ProducesErrors(400, 404, 413, 415));
        Summary(s =>
        {
            s.Summary = "Mark messages read";
            s.Description = "Body {} or {\"seq\": N}: every message of the other side up to N (default: all so far) is read for the caller's "
                + "side (candidate side or agent side). Reading never lowers what was already read; N above the last seq counts as the last "
                + "seq. Read state belongs to the side, not to one agent, and survives a reassignment. Allowed in every status. Someone "
                + "else's conversation: 403. 200 with the conversation (unreadByCandidate / unreadByAgent).";
            s.ExampleRequest = new MarkReadRequest { Seq = 12 };
        });
    }

    public override async Task HandleAsync(MarkReadRequest req, CancellationToken ct)
    {
        var me = User.UserId();
        var isAgent = User.Role() == Common.Auth.Roles.Agent;
        // Live first: if the conversation closes between the two reads, the status read below says so and the
        // persisted transcript's last seq is used instead.
        var liveLastSeq = rooms.LastSeq(req.Id);
        var conversation = await db.FindConversationAsync(req.Id, ct);
        if (conversation is null) { await Send.FailAsync(404, ErrorMessages.ConversationNotFound, ct); return; }
        if (isAgent ? conversation.AgentId != me : conversation.CandidateId != me) { await Send.FailAsync(403, ErrorMessages.NotAllowed, ct); return; }

        var lastSeq = conversation.Status == ConversationStatus.Closed ? await db.GetPersistedLastSeqAsync(req.Id, ct) : liveLastSeq;
        await db.RaiseReadMarkerAsync(req.Id, candidateSide: !isAgent, Math.Min(req.Seq ?? lastSeq, lastSeq), ct);
        await Send.OkAsync(Envelope.Of((await db.GetConversationObjectAsync(req.Id, rooms, ct))!), ct);
    }
}
