using System.Diagnostics;
using System.Net.WebSockets;

namespace LoadGenerator;

/// <summary>
/// One client socket. Its receive loop is the only reader. Its writer is, one phase after another, the setup (JOIN),
/// then its <see cref="Sender"/> (whose turn-taking allows one send at a time), then the closing step: never two at
/// once, because ClientWebSocket sends must not overlap.
/// </summary>
sealed class ChatSocket : IAsyncDisposable
{
    // Chat frames are a few hundred bytes; idle sockets (up to 10,000 of them) should cost the generator little.
    const int InitialBufferBytes = 1024;

    readonly ClientWebSocket _socket;
    readonly Traffic? _traffic;
    TaskCompletionSource<string?>? _reply;
    Task _receiving = Task.CompletedTask;
    volatile bool _disposing;
    long _closedAt;
    int _errors;

    ChatSocket(ClientWebSocket socket, Traffic? traffic)
    {
        _socket = socket;
        _traffic = traffic;
    }

    /// <summary>When CONVERSATION_CLOSED arrived (Stopwatch ticks), 0 until it has.</summary>
    public long ClosedAt => Volatile.Read(ref _closedAt);
    public int Errors => Volatile.Read(ref _errors);
    public string? LastError { get; private set; }
    /// <summary>The connection ended without the generator ending it.</summary>
    public bool Dropped { get; private set; }
    public bool IsOpen => !Dropped && _socket.State == WebSocketState.Open;

    public static async Task<ChatSocket> ConnectAsync(Uri uri, HttpMessageInvoker invoker, Traffic? traffic, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        // The server's pings keep the connection checked; the client's own keep-alive frames would only add traffic.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(uri, invoker, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var connection = new ChatSocket(socket, traffic);
        connection._receiving = connection.ReceiveLoopAsync();
        return connection;
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> frame) =>
        _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    /// <summary>Sends JOIN_CONVERSATION and waits for the answer: null when joined, else the ERROR message.</summary>
    public async Task<string?> JoinAsync(string conversationId, TimeSpan timeout)
    {
        var reply = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _reply = reply;
        await SendAsync(WireFrames.Join(conversationId));
        try
        {
            return await reply.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            return $"no JOINED_CONVERSATION within {timeout.TotalSeconds} s";
        }
    }

    async Task ReceiveLoopAsync()
    {
        var buffer = new byte[InitialBufferBytes];
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                var received = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close) break;
                length += received.Count;
                if (!received.EndOfMessage) continue;
                var next = Handle(buffer.AsSpan(0, length), Stopwatch.GetTimestamp());
                if (!next.IsCompletedSuccessfully) await next;
                length = 0;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // Seen as Dropped below, unless the generator itself is closing the socket.
        }
        if (!_disposing) Dropped = true;
        _reply?.TrySetResult("socket closed");
    }

    /// <summary>Not async (it reads a span of the receive buffer); the task is a closed-loop send the delivery set off.</summary>
    ValueTask Handle(ReadOnlySpan<byte> frame, long receivedAt)
    {
        switch (WireFrames.Read(frame, out var content, out var errorMessage))
        {
            case FrameKind.Message when _traffic is not null:
                return _traffic.DeliverAsync(content, receivedAt);
            case FrameKind.Joined:
                _reply?.TrySetResult(null);
                break;
            case FrameKind.Closed:
                Interlocked.CompareExchange(ref _closedAt, receivedAt, 0);
                break;
            case FrameKind.Error:
                LastError = errorMessage;
                Interlocked.Increment(ref _errors);
                _reply?.TrySetResult(errorMessage ?? "ERROR");
                break;
            default:
                _traffic?.CountUnexpected();
                break;
        }
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _disposing = true;
        _socket.Abort();
        await _receiving;
        _socket.Dispose();
    }
}
