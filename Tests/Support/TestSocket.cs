using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace SupportChat.Tests.Support;

public sealed record SocketFrame(string Event, JsonElement Data)
{
    public string? Message => Data.TryGetProperty("message", out var m) ? m.GetString() : null;
}

/// <summary>A real ClientWebSocket over loopback. Every wait has a timeout, so a missing frame fails a test instead of hanging it.</summary>
public sealed class TestSocket : IAsyncDisposable
{
    public static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan QuietWindow = TimeSpan.FromMilliseconds(300);

    readonly ClientWebSocket _socket;
    Task<SocketFrame?>? _pendingReceive;

    TestSocket(ClientWebSocket socket) => _socket = socket;

    public WebSocket Raw => _socket;
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public static async Task<TestSocket> ConnectAsync(Uri uri)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(FrameTimeout);
        await socket.ConnectAsync(uri, timeout.Token);
        return new TestSocket(socket);
    }

    /// <summary>A client whose kernel receive buffer is tiny (Linux would otherwise grow it to megabytes), to play a stalled peer.</summary>
    public static async Task<TestSocket> ConnectWithTinyReceiveBufferAsync(Uri uri)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                await tcp.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(tcp, ownsSocket: true);
            },
        };
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(FrameTimeout);
        await socket.ConnectAsync(uri, new HttpMessageInvoker(handler), timeout.Token);
        return new TestSocket(socket);
    }

    public Task SendAsync(string eventName, object data) =>
        SendRawAsync(JsonSerializer.Serialize(new { @event = eventName, data }));

    public async Task SendRawAsync(string text)
    {
        using var timeout = new CancellationTokenSource(FrameTimeout);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
    }

    /// <summary>The next frame; fails after <see cref="FrameTimeout"/>, or if the server closes instead.</summary>
    public async Task<SocketFrame> ReceiveAsync()
    {
        var frame = await ReceiveOrCloseAsync(FrameTimeout);
        frame.ShouldNotBeNull($"the socket closed ({_socket.CloseStatus}) instead of sending a frame");
        return frame;
    }

    /// <summary>The next frame, or null once the server has closed the socket; fails on timeout.</summary>
    public async Task<SocketFrame?> ReceiveOrCloseAsync(TimeSpan timeout)
    {
        _pendingReceive ??= ReadFrameAsync();
        var finished = await Task.WhenAny(_pendingReceive, Task.Delay(timeout));
        finished.ShouldBe(_pendingReceive, $"no frame within {timeout.TotalSeconds} s");
        var frame = await _pendingReceive;
        _pendingReceive = null;
        return frame;
    }

    public async Task<SocketFrame> ExpectAsync(string eventName)
    {
        var frame = await ReceiveAsync();
        frame.Event.ShouldBe(eventName, frame.Data.ToString());
        return frame;
    }

    public async Task ExpectErrorAsync(string message)
    {
        var frame = await ExpectAsync("ERROR");
        frame.Message.ShouldBe(message);
    }

    /// <summary>Asserts nothing arrives within a short window (the frame, if one comes later, is kept for the next receive).</summary>
    public async Task ShouldReceiveNothingAsync(TimeSpan? window = null)
    {
        _pendingReceive ??= ReadFrameAsync();
        var finished = await Task.WhenAny(_pendingReceive, Task.Delay(window ?? QuietWindow));
        if (finished == _pendingReceive)
        {
            var frame = await _pendingReceive;
            _pendingReceive = null;
            frame.ShouldBeNull($"expected silence but got {frame?.Event} {frame?.Data}");
        }
    }

    /// <summary>Every frame until none arrives within the window: for races, where which frames come is what is under test.</summary>
    public async Task<List<SocketFrame>> ReceiveUntilQuietAsync(TimeSpan? window = null)
    {
        var frames = new List<SocketFrame>();
        while (true)
        {
            _pendingReceive ??= ReadFrameAsync();
            var finished = await Task.WhenAny(_pendingReceive, Task.Delay(window ?? QuietWindow));
            if (finished != _pendingReceive) return frames;
            var frame = await _pendingReceive;
            _pendingReceive = null;
            frame.ShouldNotBeNull($"the socket closed ({_socket.CloseStatus}) after {frames.Count} frames");
            frames.Add(frame);
        }
    }

    /// <summary>Waits for the server's close frame and returns its code.</summary>
    public async Task<WebSocketCloseStatus?> ExpectCloseAsync()
    {
        while (true)
        {
            var frame = await ReceiveOrCloseAsync(FrameTimeout);
            if (frame is null) return _socket.CloseStatus;
        }
    }

    public async Task<SocketFrame> JoinAsync(string conversationId)
    {
        await SendAsync("JOIN_CONVERSATION", new { conversationId });
        var frame = await ExpectAsync("JOINED_CONVERSATION");
        frame.Data.GetProperty("conversationId").GetString().ShouldBe(conversationId);
        return frame;
    }

    async Task<SocketFrame?> ReadFrameAsync()
    {
        var buffer = new byte[128 * 1024];
        using var text = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
            }
            catch (WebSocketException)
            {
                return null;   // aborted by the server
            }
            if (result.MessageType == WebSocketMessageType.Close) return null;
            text.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage) continue;
            var root = JsonDocument.Parse(text.ToArray()).RootElement.Clone();
            return new SocketFrame(root.GetProperty("event").GetString()!, root.GetProperty("data"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try { await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
        _socket.Dispose();
    }
}
