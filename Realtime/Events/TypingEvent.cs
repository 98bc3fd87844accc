using SupportChat.Common;
using SupportChat.Common.Http;
using SupportChat.Realtime.Scaleout;

namespace SupportChat.Realtime.Events;

/// <summary>USER_TYPING's data: who is typing where.</summary>
/// <param name="ConversationId">The conversation whose room the typing user is in.</param>
/// <param name="UserId">The typing user.</param>
/// <param name="Role">candidate or agent.</param>
sealed record UserTypingData(ObjectId ConversationId, ObjectId UserId, string Role);

/// <summary>
/// TYPING, candidates and agents in the room (CONTRACT.md Part 2 "WebSocket additions"): USER_TYPING to the subscribed
/// sockets of the room's other users, at most one per sending user and conversation every 2 seconds; the rest are
/// dropped without an answer. Nothing goes back to the sender.
/// </summary>
static class TypingEvent
{
    public static readonly TimeSpan RelayInterval = TimeSpan.FromSeconds(2);

    public static async Task HandleAsync(SocketConnection socket, ReadOnlyMemory<byte> data, IServiceProvider services, CancellationToken ct)
    {
        if (!Frames.TryBind(data, ConversationEventDataValidator.Instance, out var request))
        {
            socket.SendError(ErrorMessages.InvalidSchema);
            return;
        }
        switch (services.GetRequiredService<RoomStore>().Typing(request.Id, socket, RelayInterval, out var others))
        {
            case TypingOutcome.NotInRoom:
                socket.SendError(ErrorMessages.JoinFirst);
                break;
            case TypingOutcome.Relay:
                var typing = new UserTypingData(request.Id, socket.UserId, socket.Role);
                RelayHere(services.GetRequiredService<Notifications>(), others, typing);
                if (services.GetService<RedisTranscriptLog>() is { } log)
                {
                    try
                    {
                        await log.PublishAsync('T', $"{typing.ConversationId}|{typing.UserId}|{typing.Role}");
                    }
                    catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
                    {
                        // Typing is a hint that the next one replaces: not worth an ERROR when Redis is away.
                    }
                }
                break;
        }
    }

    /// <summary>USER_TYPING to those of <paramref name="others"/> (sockets of the room here, of users other than the typist) that subscribed.</summary>
    public static void RelayHere(Notifications notifications, SocketConnection[] others, UserTypingData typing)
    {
        byte[]? frame = null;
        foreach (var other in others)
            if (notifications.IsSubscribed(other))
                other.Enqueue(frame ??= Frames.Serialize(EventNames.UserTyping, typing));
    }
}
