using System.Buffers;
using System.Net.WebSockets;
using System.Security.Claims;
using Microsoft.Net.Http.Headers;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Http;

namespace SupportChat.Realtime;

/// <summary>The WebSocket endpoint on /ws and on the bare host: authenticate by the <c>token</c> query parameter, then read frames one at a time.</summary>
static partial class RealtimeEndpoint
{
    public const int MaxFrameBytes = 64 * 1024;
    const int InitialBufferBytes = 4 * 1024;

    public static void MapRealtime(this WebApplication app)
    {
        // Pings find dead peers: one that does not answer within the timeout is dropped, and leaves its rooms.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20), KeepAliveTimeout = TimeSpan.FromSeconds(20) });
        var origins = CorsSetup.Origins(app.Configuration);
        app.Map("/ws", context => context.WebSockets.IsWebSocketRequest
            ? UpgradeAsync(context, origins)
            : ApiResult.Fail(StatusCodes.Status426UpgradeRequired, "WebSocket upgrade required").ExecuteAsync(context)).ExcludeFromDescription();
        // Several PRD clients connect to the bare host; anything else there is an unknown path.
        app.Map("/", context => context.WebSockets.IsWebSocketRequest
            ? UpgradeAsync(context, origins)
            : ApiResult.Fail(StatusCodes.Status404NotFound, ErrorMessages.NotFound).ExecuteAsync(context)).ExcludeFromDescription();
        app.MapAsyncApi();
    }

    static Task UpgradeAsync(HttpContext context, string[] allowedOrigins)
    {
        if (OriginAllowed(context.Request, allowedOrigins)) return RunAsync(context);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;   // the status-code page writes the envelope
        return Task.CompletedTask;
    }

    /// <summary>
    /// CONTRACT.md "Origin": browsers send Origin on WebSocket upgrades but apply no CORS to them, so a page on any site
    /// could open a socket with its visitor's token (cross-site WebSocket hijacking). Allowed: no Origin (not a
    /// browser), an Origin on the request's own host (any scheme and port: TLS may end at a proxy), or one listed in
    /// <c>Cors__Origins</c> (<c>*</c> allows all).
    /// </summary>
    internal static bool OriginAllowed(HttpRequest request, string[] allowedOrigins)
    {
        if (!request.Headers.TryGetValue(HeaderNames.Origin, out var values) || values.Count == 0) return true;
        var origin = values.ToString();
        if (allowedOrigins.Contains("*") || allowedOrigins.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase)) return true;
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase);
    }

    static async Task RunAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var logger = services.GetRequiredService<ILogger<SocketConnection>>();
        var user = await services.GetRequiredService<TokenIssuer>().ValidateAsync(context.Request.Query["token"]);
        if (user is { } claimed && !await services.GetRequiredService<LiveUsers>().HasRoleAsync(claimed.UserId, claimed.Role, context.RequestAborted))
            user = null;   // signed, but its user is gone or has another role: as invalid as a forged one
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        if (user is not { } caller)
        {
            await RejectAsync(socket);
            return;
        }

        var (userId, role) = caller;
        // The request lives as long as the socket: drop the parsed query and its copy of the token (about 1 KB per
        // idle socket; nothing reads the query after this).
        context.Request.Query = QueryCollection.Empty;
        context.Request.QueryString = QueryString.Empty;
        // For the request log line written when the socket ends: who it was, as on every HTTP request.
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(Claims.UserId, userId.ToString()), new Claim(Claims.Role, role)], "token"));
        var connection = new SocketConnection(socket, userId, role);
        var rooms = services.GetRequiredService<RoomStore>();
        var notifications = services.GetRequiredService<Notifications>();
        rooms.Register(connection);
        LogConnected(logger, userId, connection.Role);
        try
        {
            await ReceiveAsync(connection, socket, services, logger, context.RequestAborted);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The peer vanished mid-frame or stopped answering pings: an ordinary end of a connection.
        }
        finally
        {
            notifications.Unsubscribe(connection);
            rooms.LeaveAll(connection);
            rooms.Unregister(connection);
            connection.Close(WebSocketCloseStatus.NormalClosure, "");
            await connection.Finished;
            LogDisconnected(logger, userId);
        }
    }

    static async Task RejectAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await socket.SendAsync(Frames.Error(ErrorMessages.InvalidToken), WebSocketMessageType.Text, true, timeout.Token);
            await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "Unauthorized", timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            socket.Abort();
        }
    }

    /// <summary>Reads until the peer closes; each whole frame is handled before the next is read, so one socket's events keep their order.</summary>
    static async Task ReceiveAsync(SocketConnection connection, WebSocket socket, IServiceProvider services, ILogger logger, CancellationToken ct)
    {
        while (true)
        {
            // A zero-byte read waits for the next frame without holding a buffer: idle sockets cost no receive memory.
            var next = await socket.ReceiveAsync(Memory<byte>.Empty, ct);
            if (next.MessageType == WebSocketMessageType.Close) return;
            if (next.EndOfMessage)
            {
                // That read took a whole message of zero bytes: answered like any other content (an empty text is not JSON).
                if (next.MessageType == WebSocketMessageType.Binary) connection.SendError(ErrorMessages.InvalidFormat);
                else await DispatchSafelyAsync(connection, ReadOnlyMemory<byte>.Empty, services, logger, ct);
                continue;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
            try
            {
                var length = 0;
                ValueWebSocketReceiveResult received;
                do
                {
                    if (length == buffer.Length) buffer = Grow(buffer, length);
                    var room = Math.Min(buffer.Length, MaxFrameBytes + 1) - length;
                    received = await socket.ReceiveAsync(buffer.AsMemory(length, room), ct);
                    if (received.MessageType == WebSocketMessageType.Close) return;
                    length += received.Count;
                    if (length > MaxFrameBytes)
                    {
                        connection.Close(WebSocketCloseStatus.MessageTooBig, "Frame larger than 64 KiB");
                        return;
                    }
                } while (!received.EndOfMessage);

                if (received.MessageType == WebSocketMessageType.Binary) connection.SendError(ErrorMessages.InvalidFormat);
                else await DispatchSafelyAsync(connection, buffer.AsMemory(0, length), services, logger, ct);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    static byte[] Grow(byte[] buffer, int length)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxFrameBytes + 1));
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    /// <summary>One failing event (a database outage, say) answers with an error; the socket and its rooms stay.</summary>
    static async Task DispatchSafelyAsync(SocketConnection connection, ReadOnlyMemory<byte> frame, IServiceProvider services, ILogger logger, CancellationToken ct)
    {
        try
        {
            await EventTable.DispatchAsync(connection, frame, services, ct);
        }
        catch (Exception e) when (ErrorHandling.IsBrokerOutage(e))
        {
            LogBrokerOutage(logger, connection.UserId);
            connection.SendError(ErrorMessages.Unavailable);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogEventFailed(logger, e, connection.UserId);
            connection.SendError(ErrorMessages.Internal);
        }
    }

    [LoggerMessage(LogLevel.Warning, "An event of user {UserId} was refused: Redis is unreachable")]
    static partial void LogBrokerOutage(ILogger logger, ObjectId userId);

    [LoggerMessage(LogLevel.Debug, "WebSocket connected: user {UserId} ({Role})")]
    static partial void LogConnected(ILogger logger, ObjectId userId, string role);

    [LoggerMessage(LogLevel.Debug, "WebSocket disconnected: user {UserId}")]
    static partial void LogDisconnected(ILogger logger, ObjectId userId);

    [LoggerMessage(LogLevel.Error, "WebSocket event failed for user {UserId}")]
    static partial void LogEventFailed(ILogger logger, Exception exception, ObjectId userId);
}
