using System.Net;
using System.Net.WebSockets;
using System.Text;
using SupportChat.Common;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

public sealed class ConnectionTests(TestApp app) : IClassFixture<TestApp>
{
    public static TheoryData<string?> BadTokens => Tokens.Invalid("candidate");

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_missing_or_invalid_token_gets_an_error_then_close_1008(string? token)
    {
        await using var socket = await TestSocket.ConnectAsync(app.SocketUri(token));
        await socket.ExpectErrorAsync("Unauthorized or invalid token");
        (await socket.ExpectCloseAsync()).ShouldBe(WebSocketCloseStatus.PolicyViolation);
    }

    [Fact]
    public async Task The_bare_host_accepts_the_same_connections_and_the_server_says_nothing_first()
    {
        var chat = await app.AssignedConversationAsync();
        await using var socket = await TestSocket.ConnectAsync(app.SocketUri(chat.Candidate.Token, path: "/"));
        await socket.ShouldReceiveNothingAsync();
        await socket.JoinAsync(chat.Id);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("\"JOIN_CONVERSATION\"")]
    [InlineData("""{"data":{}}""")]
    [InlineData("""{"event":"JOIN_CONVERSATION"}""")]
    [InlineData("""{"event":42,"data":{}}""")]
    [InlineData("""{"event":"JOIN_CONVERSATION","data":"x"}""")]
    [InlineData("""{"event":"JOIN_CONVERSATION","data":[]}""")]
    public async Task Frames_that_are_not_event_objects_are_invalid_format_and_the_socket_stays(string frame)
    {
        var chat = await app.AssignedConversationAsync();
        await using var socket = await app.ConnectAsync(chat.Candidate);
        await socket.SendRawAsync(frame);
        await socket.ExpectErrorAsync("Invalid message format");
        await socket.JoinAsync(chat.Id);
    }

    [Theory]
    [InlineData("HELLO")]
    [InlineData("join_conversation")]
    public async Task Unknown_event_names_are_reported_and_the_socket_stays(string eventName)
    {
        var chat = await app.AssignedConversationAsync();
        await using var socket = await app.ConnectAsync(chat.Candidate);
        await socket.SendAsync(eventName, new { conversationId = chat.Id });
        await socket.ExpectErrorAsync("Unknown event");
        await socket.JoinAsync(chat.Id);
    }

    [Fact]
    public async Task Format_is_checked_before_the_event_name_and_the_name_before_the_role()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        await using var socket = await app.ConnectAsync(supervisor);
        await socket.SendAsync("NOPE", new { });
        await socket.ExpectErrorAsync("Unknown event");
        await socket.SendAsync("JOIN_CONVERSATION", new { conversationId = "bad" });
        await socket.ExpectErrorAsync("Forbidden for this role");
    }

    [Fact]
    public async Task A_binary_frame_is_invalid_format()
    {
        var chat = await app.AssignedConversationAsync();
        await using var socket = await app.ConnectAsync(chat.Candidate);
        await socket.Raw.SendAsync(Encoding.UTF8.GetBytes("""{"event":"JOIN_CONVERSATION","data":{}}"""), WebSocketMessageType.Binary, true, default);
        await socket.ExpectErrorAsync("Invalid message format");
        await socket.JoinAsync(chat.Id);
    }

    public static TheoryData<string, string[], WebSocketMessageType> FrameShapes => new()
    {
        // what the client sends, as fragments (the last one ends the message) → the one answer expected
        { "Invalid message format", [""], WebSocketMessageType.Text },
        { "Invalid message format", [""], WebSocketMessageType.Binary },
        { "Invalid message format", ["", ""], WebSocketMessageType.Text },
        { "Invalid message format", [" "], WebSocketMessageType.Text },
        { "Invalid message format", ["{\"event\":\"JOIN_CONVERSATION\"", ""], WebSocketMessageType.Text },
        { "Invalid message format", ["{}", ""], WebSocketMessageType.Binary },
        { "Unknown event", ["", "{\"event\":\"NOPE\",\"data\":{}}"], WebSocketMessageType.Text },
        { "Unknown event", ["{\"event\":\"NOPE\",", "\"data\":{}}", ""], WebSocketMessageType.Text },
        { "Invalid request schema", ["{\"event\":\"JOIN_CONVERSATION\",\"data\":{}}", ""], WebSocketMessageType.Text },
    };

    [Theory]
    [MemberData(nameof(FrameShapes))]
    public async Task Every_frame_shape_gets_exactly_the_answer_for_its_content_and_the_next_frame_is_handled(
        string expected, string[] fragments, WebSocketMessageType type)
    {
        var chat = await app.AssignedConversationAsync();
        await using var socket = await app.ConnectAsync(chat.Candidate);

        for (var i = 0; i < fragments.Length; i++)
            await socket.Raw.SendAsync(Encoding.UTF8.GetBytes(fragments[i]), type, endOfMessage: i == fragments.Length - 1, default);

        await socket.ExpectErrorAsync(expected);
        (await socket.JoinAsync(chat.Id)).Event.ShouldBe("JOINED_CONVERSATION");
        await socket.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task A_message_split_into_fragments_whose_last_one_is_empty_is_handled_whole()
    {
        var chat = await app.AssignedConversationAsync();
        await using var socket = await app.ConnectAsync(chat.Candidate);
        var join = $$$"""{"event":"JOIN_CONVERSATION","data":{"conversationId":"{{{chat.Id}}}"}}""";

        await socket.Raw.SendAsync(Encoding.UTF8.GetBytes(join[..10]), WebSocketMessageType.Text, false, default);
        await socket.Raw.SendAsync(Encoding.UTF8.GetBytes(join[10..]), WebSocketMessageType.Text, false, default);
        await socket.Raw.SendAsync(Array.Empty<byte>(), WebSocketMessageType.Text, true, default);

        (await socket.ExpectAsync("JOINED_CONVERSATION")).Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
        await socket.ShouldReceiveNothingAsync();
    }

    [Theory]
    [InlineData("https://evil.example.com")]
    [InlineData("null")]
    [InlineData("http://localhost.evil.example.com")]
    public async Task An_upgrade_from_a_page_on_another_host_is_refused_with_403_before_the_upgrade(string origin)
    {
        var socket = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
        socket.Options.SetRequestHeader("Origin", origin);
        await Should.ThrowAsync<WebSocketException>(() => socket.ConnectAsync(app.SocketUri(app.Candidate.Token), default));
        socket.HttpStatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_upgrade_from_a_page_on_the_same_host_or_without_origin_is_accepted()
    {
        var uri = app.SocketUri(app.Candidate.Token);
        foreach (var origin in new[] { $"http://{uri.Host}:{uri.Port}", $"https://{uri.Host.ToUpperInvariant()}", null })
        {
            using var socket = new ClientWebSocket();
            if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
            await socket.ConnectAsync(uri, default);
            socket.State.ShouldBe(WebSocketState.Open, origin);
        }
    }

    [Fact]
    public async Task A_frame_of_exactly_64_KiB_is_read_and_a_larger_one_closes_only_that_socket_with_1009()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);

        string FrameOf(int bytes)
        {
            var head = $$"""{"event":"SEND_MESSAGE","data":{"conversationId":"{{chat.Id}}","content":" """;
            const string tail = "\"}}";
            return head + new string('x', bytes - head.Length - tail.Length) + tail;
        }
        await candidate.SendRawAsync(FrameOf(64 * 1024));
        await candidate.ExpectErrorAsync("Invalid request schema");   // read whole: only its content is too long

        await candidate.SendRawAsync(FrameOf(64 * 1024 + 1));
        (await candidate.ExpectCloseAsync()).ShouldBe(WebSocketCloseStatus.MessageTooBig);

        await agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "still here?" });
        await agent.ShouldReceiveNothingAsync();
        await using var again = await app.ConnectAsync(chat.Candidate);
        await again.JoinAsync(chat.Id);
        await agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "welcome back" });
        (await again.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("welcome back");
    }

    [Fact]
    public async Task Plain_http_on_the_socket_paths_gets_an_envelope()
    {
        var ws = await app.GetAsync("/ws");
        ws.Status.ShouldBe(HttpStatusCode.UpgradeRequired);
        ws.Body.GetProperty("success").GetBoolean().ShouldBeFalse();
        (await app.GetAsync("/")).ShouldFail(HttpStatusCode.NotFound, "Not found");
    }

    [Fact]
    public async Task A_receiver_that_stops_reading_is_dropped_without_slowing_the_room()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await using var stuck = await TestSocket.ConnectWithTinyReceiveBufferAsync(app.SocketUri(chat.Agent.Token));   // joins, then never reads again
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);
        await stuck.JoinAsync(chat.Id);

        // Each message waits for the healthy agent's copy: the room must keep flowing while the stuck queue fills.
        var content = new string('m', 4990);
        var before = app.Rooms().Census();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        for (var i = 0; app.Rooms().Census().Sockets == before.Sockets && DateTime.UtcNow < deadline; i++)
        {
            await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = content + i });
            (await agent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe(content + i);
        }

        await app.ShouldEventuallyHaveAsync(before.Rooms, before.Sockets - 1);   // the stuck socket, and only it, is gone
        var closeStatus = await stuck.ExpectCloseAsync();
        (closeStatus is null or WebSocketCloseStatus.PolicyViolation).ShouldBeTrue($"closed with {closeStatus}");
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "after" });
        (await agent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("after");
    }
}
