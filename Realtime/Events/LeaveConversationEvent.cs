using SupportChat.Common;
using SupportChat.Common.Http;

namespace SupportChat.Realtime.Events;

/// <summary>LEAVE_CONVERSATION, candidates and agents: step out of a room; the transcript stays until the conversation closes.</summary>
static class LeaveConversationEvent
{
    /// <summary>LEFT_CONVERSATION's data.</summary>
    /// <param name="ConversationId">The conversation left.</param>
    internal sealed record LeftData(ObjectId ConversationId);

    public static Task HandleAsync(SocketConnection socket, ReadOnlyMemory<byte> data, IServiceProvider services, CancellationToken ct)
    {
        if (!Frames.TryBind(data, ConversationEventDataValidator.Instance, out var request))
            socket.SendError(ErrorMessages.InvalidSchema);
        else if (!services.GetRequiredService<RoomStore>().Leave(request.Id, socket))
            socket.SendError(ErrorMessages.JoinFirst);
        else
            socket.Enqueue(Frames.Serialize(EventNames.LeftConversation, new LeftData(request.Id)));
        return Task.CompletedTask;
    }
}
