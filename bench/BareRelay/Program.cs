using System.Collections.Concurrent;
using System.Net.WebSockets;
using BareRelay;

// The platform ceiling for the chat path: ws://HOST/ws?room=X, and every text frame a socket sends is forwarded
// unchanged to every other socket in the same room. No auth, no database, no validation, no JSON. It keeps the plain
// defaults a new app would have (UseWebSockets() without options, Kestrel as configured by the Web SDK), so the
// difference between SupportChat and this relay is what SupportChat itself costs.
// Usage: dotnet bin/Release/net10.0/BareRelay.dll --urls http://127.0.0.1:5081

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
var rooms = new ConcurrentDictionary<string, RelayRoom>(StringComparer.Ordinal);

app.UseWebSockets();
app.Map("/ws", async context =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }
    var room = rooms.GetOrAdd(context.Request.Query["room"].ToString(), _ => new RelayRoom());
    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var peer = new RelayPeer(socket);
    var writer = peer.RunWriterAsync();
    room.Add(peer);
    try
    {
        await peer.ReceiveAsync(room, context.RequestAborted);
    }
    catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
    {
        // The client went away without a close handshake: the benchmark ends that way.
    }
    finally
    {
        room.Remove(peer);
        peer.Complete();
        await writer;
    }
});

app.Run();
