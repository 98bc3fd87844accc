using System.Diagnostics.CodeAnalysis;
using System.Net.WebSockets;
using SupportChat.Common;

namespace SupportChat.Realtime;

/// <summary>
/// One authenticated socket. The receive loop in <see cref="RealtimeEndpoint"/> is its only reader. Anyone may queue
/// output without waiting; whoever finds the socket's send side free drains the queue on its own thread, so a
/// message usually goes out on the thread that received it, without a hand-off to a writer task. WebSocket.SendAsync
/// must not overlap, and a slow receiver must never hold up the sender or the rest of its room.
/// </summary>
sealed class SocketConnection
{
    /// <summary>Past this much unsent output the peer is not keeping up; it is dropped rather than growing memory.</summary>
    public const int MaxQueuedBytes = 1024 * 1024;
    static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);
    static readonly TimeSpan CloseAckTimeout = TimeSpan.FromSeconds(2);
    static readonly TimeSpan CloseAckPoll = TimeSpan.FromMilliseconds(50);

    readonly WebSocket _socket;
    // A plain queue under its own lock: it allocates nothing until the first frame, where a ConcurrentQueue costs
    // about 800 bytes on every socket, most of which sit idle.
    readonly Queue<byte[]> _outbound = new();
    readonly CancellationTokenSource _sendAbort = new();
    readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    long _queuedBytes;
    /// <summary>1 while one thread owns the send side (draining the queue or closing); 0 when it is free.</summary>
    int _sending;
    volatile bool _closeRequested;
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

    static long s_lastSerial;
    /// <summary>Unique among this process's sockets (1, 2, …): how a message published through Redis names its sending socket.</summary>
    public long Serial { get; } = Interlocked.Increment(ref s_lastSerial);

    /// <summary>
    /// The rooms this socket is in, each with the seq above which every message of that room was sent to it (replayed or
    /// live; its own socket sends count as known to it). Guarded by locking the dictionary; changed only while holding the room's own lock.
    /// </summary>
    public Dictionary<ObjectId, int> Rooms { get; } = [];

    /// <summary>
    /// Per room this socket left while staying connected: the seqs it was sent while inside, so that a resuming JOIN does not
    /// send them twice. Null until it first leaves a room; guarded like <see cref="Rooms"/>.
    /// </summary>
    public Dictionary<ObjectId, List<SentRange>>? SentBeforeLeaving { get; set; }

    /// <summary>Completes once the close frame is out (or the socket was aborted): only then may the socket be disposed.</summary>
    public Task Finished => _finished.Task;

    /// <summary>Queues a frame and sends it now if no send is in flight; never waits. A peer that falls too far behind is closed with 1008.</summary>
    public void Enqueue(byte[] frame)
    {
        if (_closeRequested) return;
        if (Interlocked.Add(ref _queuedBytes, frame.Length) > MaxQueuedBytes)
        {
            Close(WebSocketCloseStatus.PolicyViolation, "Too slow: outbound queue overflow", discardPending: true);
            return;
        }
        lock (_outbound) _outbound.Enqueue(frame);
        TrySendPending();
    }

    public void SendError(string message) => Enqueue(Frames.Error(message));

    /// <summary>Ends the connection after the queued frames (or at once, dropping them) with the given close code.</summary>
    public void Close(WebSocketCloseStatus status, string reason, bool discardPending = false)
    {
        lock (_outbound)
        {
            if (_closeRequested) return;   // the first close decides the code
            _closeStatus = status;
            _closeReason = reason;
            _discardPending = discardPending;
            _closeRequested = true;
        }
        // A peer that stops reading would block the sender in SendAsync forever; give it a grace period, then abort.
        _sendAbort.CancelAfter(CloseGrace);
        TrySendPending();
    }

    void TrySendPending()
    {
        if (Interlocked.CompareExchange(ref _sending, 1, 0) == 0) _ = SendPendingAsync();
    }

    /// <summary>Sends queued frames in order, then the close frame once one is requested. Runs only while owning <see cref="_sending"/>.</summary>
    async Task SendPendingAsync()
    {
        try
        {
            while (true)
            {
                while (!_discardPending && TryDequeue(out var frame))
                {
                    await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, _sendAbort.Token);
                    Interlocked.Add(ref _queuedBytes, -frame.Length);
                }
                if (_closeRequested)
                {
                    await SendCloseAsync();
                    return;   // the send side stays owned: nothing may be sent after the close frame
                }
                // Release, then look again: a frame or close queued after the last dequeue found the send side taken and
                // left it to this loop. The full fence of Exchange keeps the release from passing the reads below.
                Interlocked.Exchange(ref _sending, 0);
                if ((IsEmpty && !_closeRequested) || Interlocked.CompareExchange(ref _sending, 1, 0) != 0) return;
            }
        }
        catch (Exception)
        {
            // Whatever failed (the peer is gone or stuck, the send was aborted), nothing more can be said to it, and
            // the receive loop must still learn that the connection is finished.
            _socket.Abort();
            _finished.TrySetResult();
        }
    }

    bool TryDequeue([NotNullWhen(true)] out byte[]? frame)
    {
        lock (_outbound) return _outbound.TryDequeue(out frame);
    }

    bool IsEmpty
    {
        get
        {
            lock (_outbound) return _outbound.Count == 0;
        }
    }

    async Task SendCloseAsync()
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            await _socket.CloseOutputAsync(_closeStatus, _closeReason, _sendAbort.Token);
        // When the server spoke first (1001, 1008, 1009) the peer owes a close frame; one that never sends it
        // must not keep the connection, or a shutdown, waiting.
        for (var waited = TimeSpan.Zero; _socket.State == WebSocketState.CloseSent && waited < CloseAckTimeout; waited += CloseAckPoll)
            await Task.Delay(CloseAckPoll);
        if (_socket.State == WebSocketState.CloseSent) _socket.Abort();
        _finished.TrySetResult();
    }
}
