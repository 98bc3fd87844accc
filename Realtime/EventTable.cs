using System.Collections.Frozen;
using SupportChat.Common.Auth;
using SupportChat.Common.Http;
using SupportChat.Realtime.Events;

namespace SupportChat.Realtime;

/// <summary>Handles one event's <paramref name="data"/> (the UTF-8 JSON of the frame's data object); handlers that need
/// the database take a pooled context from the <c>IDbContextFactory</c> in <paramref name="services"/>, no scope per event.</summary>
delegate Task SocketEventHandler(SocketConnection socket, ReadOnlyMemory<byte> data, IServiceProvider services, CancellationToken ct);

sealed record EventRoute(string[] AllowedRoles, SocketEventHandler Handle);

/// <summary>Wire name → who may send it → what handles it. A new event is one file in Events/ and one row here.</summary>
static class EventTable
{
    public static readonly FrozenDictionary<string, EventRoute> Routes = new Dictionary<string, EventRoute>
    {
        [EventNames.JoinConversation] = new(Access.RolesThatMay(Permission.Reply), JoinConversationEvent.HandleAsync),
        [EventNames.SendMessage] = new(Access.RolesThatMay(Permission.Reply), SendMessageEvent.HandleAsync),
        [EventNames.LeaveConversation] = new(Access.RolesThatMay(Permission.Reply), LeaveConversationEvent.HandleAsync),
        [EventNames.CloseConversation] = new(Access.RolesThatMay(Permission.Resolve), CloseConversationEvent.HandleAsync),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Contract order: frame format, event name, role; each handler then checks its own data.</summary>
    public static async Task DispatchAsync(SocketConnection socket, ReadOnlyMemory<byte> frame, IServiceProvider services, CancellationToken ct)
    {
        if (!Frames.TryParse(frame, out var name, out var data)) socket.SendError(ErrorMessages.InvalidFormat);
        else if (!Routes.TryGetValue(name, out var route)) socket.SendError(ErrorMessages.UnknownEvent);
        else if (!route.AllowedRoles.Contains(socket.Role)) socket.SendError(ErrorMessages.ForbiddenRole);
        else await route.Handle(socket, data, services, ct);
    }
}
