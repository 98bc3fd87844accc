using System.Net.WebSockets;
using System.Threading.Channels;
using SupportChat.Common;

namespace SupportChat.Realtime;

/// <summary>
/// One authenticated socket. The receive loop in <see cref="RealtimeEndpoint"/> is its only reader; the writer task
/// below is its only sender, draining a queue that anyone may add to without waiting. WebSocket.SendAsync must not
/// overlap, and a slow receiver must never hold up the sender or the rest of its room.
/// </summary>
sealed class SocketConnection
{
    /// <summary>Past this much unsent output the peer is not keeping up; it is dropped rather than growing memory.</summary>
    public const int MaxQueuedBytes = 1024 * 1024;
    static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);
    static readonly TimeSpan CloseAckTimeout = TimeSpan.FromSeconds(2);
    static readonly TimeSpan CloseAckPoll = TimeSpan.FromMilliseconds(50);

    readonly WebSocket _socket;
    readonly Channel<byte[]> _outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    readonly CancellationTokenSource _sendAbort = new();
    long _queuedBytes;
    volatile bool _discardPending;
    WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    string _closeReason = "";

    public SocketConnection(WebSocket socket, ObjectId userId, string role)
    {
        _socket = socket;
        UserId = userId;
        Role = role;
    }

    public ObjectId UserId { get; }
    public string Role { get; }

    /// <summary>The rooms this socket is in; guarded by locking the set, always while holding the room's own lock.</summary>
    public HashSet<ObjectId> Rooms { get; } = [];

    /// <summary>Queues a frame; never waits. A peer that falls too far behind is closed with 1008.</summary>
    public void Enqueue(byte[] frame)
    {
        if (Interlocked.Add(ref _queuedBytes, frame.Length) > MaxQueuedBytes)
        {
            Close(WebSocketCloseStatus.PolicyViolation, "Too slow: outbound queue overflow", discardPending: true);
            return;
        }
        if (!_outbound.Writer.TryWrite(frame)) Interlocked.Add(ref _queuedBytes, -frame.Length);   // already closing
    }

    public void SendError(string message) => Enqueue(Frames.Error(message));

    /// <summary>Ends the connection after the queued frames (or at once, dropping them) with the given close code.</summary>
    public void Close(WebSocketCloseStatus status, string reason, bool discardPending = false)
    {
        lock (_outbound)
        {
            if (!_outbound.Writer.TryComplete()) return;   // the first close decides the code
            _closeStatus = status;
            _closeReason = reason;
            _discardPending = discardPending;
        }
        // A peer that stops reading would block the writer in SendAsync forever; give it a grace period, then abort.
        _sendAbort.CancelAfter(CloseGrace);
    }

    /// <summary>The single writer: sends queued frames in order, then the close frame.</summary>
    public async Task RunWriterAsync()
    {
        try
        {
            var reader = _outbound.Reader;
            while (await reader.WaitToReadAsync(CancellationToken.None))
            {
                while (!_discardPending && reader.TryRead(out var frame))
                {
                    await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, _sendAbort.Token);
                    Interlocked.Add(ref _queuedBytes, -frame.Length);
                }
                if (_discardPending) break;
            }
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await _socket.CloseOutputAsync(_closeStatus, _closeReason, _sendAbort.Token);
            // When the server spoke first (1001, 1008, 1009) the peer owes a close frame; one that never sends it
            // must not keep the connection, or a shutdown, waiting.
            for (var waited = TimeSpan.Zero; _socket.State == WebSocketState.CloseSent && waited < CloseAckTimeout; waited += CloseAckPoll)
                await Task.Delay(CloseAckPoll);
            if (_socket.State == WebSocketState.CloseSent) _socket.Abort();
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            _socket.Abort();   // the peer is gone or stuck; nothing more can be said to it
        }
    }
}
