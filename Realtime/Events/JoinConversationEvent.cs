using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;

namespace SupportChat.Realtime.Events;

/// <summary>JOIN_CONVERSATION, candidates and agents: enter the room of one's own conversation; an agent's join moves it from open to assigned.</summary>
static class JoinConversationEvent
{
    /// <summary>JOINED_CONVERSATION's data.</summary>
    /// <param name="ConversationId">The conversation joined.</param>
    /// <param name="Status">Its status after the join: open (a candidate joined before the agent) or assigned.</param>
    /// <param name="LastSeq">Part 2: the seq of the conversation's last message, 0 without any.</param>
    /// <param name="Recovered">Only with the Redis engine (issue 15), and only as <c>false</c>: Redis lost this conversation's live
    /// transcript (it restarted without persistence), so the client should fetch the history over HTTP. Absent otherwise.</param>
    internal sealed record JoinedData(ObjectId ConversationId, string Status, int LastSeq,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] bool? Recovered = null);

    public static async Task HandleAsync(SocketConnection socket, ReadOnlyMemory<byte> data, IServiceProvider services, CancellationToken ct)
    {
        if (!Frames.TryBind(data, JoinConversationDataValidator.Instance, out var request))
        {
            socket.SendError(ErrorMessages.InvalidSchema);
            return;
        }
        var conversationId = request.Id;
        var rooms = services.GetRequiredService<RoomStore>();
        await using var db = services.GetRequiredService<IDbContextFactory<SupportChatDb>>().CreateDbContext();
        var gate = services.GetRequiredService<DatabaseGate>();

        string? problem;
        var movedAny = false;
        while (true)
        {
            var epoch = rooms.MembershipEpoch;
            var (refused, status, moved, participants) = await gate.RunAsync(() => AuthorizeAsync(db, socket, conversationId, ct), ct);
            movedAny |= moved;
            problem = refused;
            if (problem is not null) break;
            // JOINED_CONVERSATION and the replay are queued under the room's lock, before any later message.
            if (await rooms.JoinAsync(conversationId, socket, epoch, participants!,
                    (lastSeq, recovered) => Frames.Serialize(EventNames.JoinedConversation, new JoinedData(conversationId, status, lastSeq, recovered)), request.SinceSeq))
                break;
            // A close or reassignment between the check and the join may have swept the room before this socket was in it.
        }

        if (problem is not null) socket.SendError(problem);
        // The status change committed whatever happened since; the joiner hears its own answer first.
        if (movedAny) await services.GetRequiredService<Notifications>().ConversationUpdatedAsync(conversationId);
    }

    /// <summary>The problem that refuses the join (null: none), the status after it, whether this join moved it to assigned, and its participants.</summary>
    static async Task<(string? Problem, string Status, bool Moved, Participants? Participants)> AuthorizeAsync(SupportChatDb db, SocketConnection socket, ObjectId conversationId,
        CancellationToken ct)
    {
        var me = socket.UserId;
        var conversation = await ConversationAccess.FindAsync(db, conversationId, ct);
        var isParticipant = conversation is not null && (socket.Role == Roles.Agent ? conversation.AgentId == me : conversation.CandidateId == me);
        if (!isParticipant) return (ErrorMessages.NotAllowed, "", false, null);
        if (conversation!.Status == ConversationStatus.Closed) return (ErrorMessages.AlreadyClosed, "", false, null);
        var participants = new Participants(conversation.CandidateId, conversation.AgentId);
        if (socket.Role != Roles.Agent || conversation.Status != ConversationStatus.Open) return (null, conversation.Status, false, participants);

        // Statuses only move forward, so after a lost race one more read settles it.
        return await MoveToAssignedAsync(db, me, conversationId, ct)
            ? (null, ConversationStatus.Assigned, true, participants)
            : await AuthorizeAsync(db, socket, conversationId, ct);
    }

    /// <summary>
    /// The agent's first join, recorded in the same transaction. Conditional, so it never reopens a conversation closed
    /// meanwhile or acts for a replaced agent; when it moves nothing, nothing is recorded.
    /// </summary>
    static async Task<bool> MoveToAssignedAsync(SupportChatDb db, ObjectId agentId, ObjectId conversationId, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var moved = await db.Conversations
            .Where(c => c.Id == conversationId && c.AgentId == agentId && c.Status == ConversationStatus.Open)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.Status, ConversationStatus.Assigned), ct);
        if (moved == 0) return false;
        await db.AppendAuditAsync([AuditEvent.AgentJoined(agentId, conversationId)], ct);
        await transaction.CommitAsync(ct);
        return true;
    }
}
