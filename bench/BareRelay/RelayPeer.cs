using System.Net.WebSockets;
using System.Threading.Channels;

namespace BareRelay;

/// <summary>One socket: its receive loop is the only reader and the writer task the only sender (sends must never overlap).</summary>
sealed class RelayPeer(WebSocket socket)
{
    const int BufferBytes = 4 * 1024;
    readonly Channel<byte[]> _outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(byte[] frame) => _outbound.Writer.TryWrite(frame);

    public void Complete() => _outbound.Writer.TryComplete();

    /// <summary>Reads whole text frames into one buffer reused for the life of the connection and forwards each.</summary>
    public async Task ReceiveAsync(RelayRoom room, CancellationToken ct)
    {
        var buffer = new byte[BufferBytes];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            var received = await socket.ReceiveAsync(buffer.AsMemory(length), ct);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", ct);
                return;
            }
            length += received.Count;
            if (!received.EndOfMessage) continue;
            if (received.MessageType == WebSocketMessageType.Text) room.Forward(this, buffer.AsSpan(0, length).ToArray());
            length = 0;
        }
    }

    public async Task RunWriterAsync()
    {
        try
        {
            await foreach (var frame in _outbound.Reader.ReadAllAsync())
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
            socket.Abort();   // the peer is gone; frames still queued for it have nowhere to go
        }
    }
}
