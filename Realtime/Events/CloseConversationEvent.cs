using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;
using SupportChat.Common.Http;

namespace SupportChat.Realtime.Events;

/// <summary>CLOSE_CONVERSATION, the assigned agent only (joined or not): persist the transcript, close, tell the room.</summary>
static class CloseConversationEvent
{
    public static async Task HandleAsync(SocketConnection socket, ReadOnlyMemory<byte> data, IServiceProvider services, CancellationToken ct)
    {
        if (!Frames.TryBind(data, ConversationEventDataValidator.Instance, out var request))
        {
            socket.SendError(ErrorMessages.InvalidSchema);
            return;
        }
        var conversationId = request.Id;
        await using var db = services.GetRequiredService<IDbContextFactory<SupportChatDb>>().CreateDbContext();
        var gate = services.GetRequiredService<DatabaseGate>();

        if (await gate.RunAsync(() => ProblemAsync(db, socket, conversationId, ct), ct) is { } problem)
        {
            socket.SendError(problem);
            return;
        }
        // Conditional on 'assigned' and on this agent: a reassignment or another close that won the race refuses this one.
        if (!await services.GetRequiredService<ConversationCloser>().CloseAsync(db, conversationId, ConversationStatus.Assigned,
                new AuditActor(socket.UserId, socket.Role), CloseVia.WebSocket, socket.UserId, closer: socket))
            socket.SendError(await gate.RunAsync(() => ProblemAsync(db, socket, conversationId, ct), ct) ?? ErrorMessages.AlreadyClosed);
    }

    static async Task<string?> ProblemAsync(SupportChatDb db, SocketConnection socket, ObjectId conversationId, CancellationToken ct)
    {
        var conversation = await ConversationAccess.FindAsync(db, conversationId, ct);
        if (conversation is null || conversation.AgentId != socket.UserId) return ErrorMessages.NotAllowed;
        return conversation.Status switch
        {
            ConversationStatus.Open => ErrorMessages.NotYetAssigned,
            ConversationStatus.Closed => ErrorMessages.AlreadyClosed,
            _ => null,
        };
    }
}
