using SupportChat.Common;

namespace SupportChat.Realtime.Events;

/// <summary>SUBSCRIBE's data: nothing (<c>{}</c>); any property is ignored.</summary>
sealed record SubscribeData;

/// <summary>SUBSCRIBED's data: who the socket's notifications are for.</summary>
/// <param name="UserId">The socket's user.</param>
/// <param name="Role">The socket's role: admin, supervisor, agent or candidate.</param>
sealed record SubscribedData(ObjectId UserId, string Role);

/// <summary>
/// SUBSCRIBE, any role (CONTRACT.md Part 2 "WebSocket additions"): from now on this socket also gets the notifications
/// about the conversations its user may see, and USER_TYPING in its rooms. Answered SUBSCRIBED, also when repeated.
/// </summary>
static class SubscribeEvent
{
    public static Task HandleAsync(SocketConnection socket, ReadOnlyMemory<byte> data, IServiceProvider services, CancellationToken ct)
    {
        services.GetRequiredService<Notifications>().Subscribe(socket);
        socket.Enqueue(Frames.Serialize(EventNames.Subscribed, new SubscribedData(socket.UserId, socket.Role)));
        return Task.CompletedTask;
    }
}
