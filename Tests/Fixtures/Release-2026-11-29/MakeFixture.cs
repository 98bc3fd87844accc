// Drives a running SupportChat release through its public API (HTTP and WebSocket) into the state described in
// README.md beside this file, then prints the ids it got as JSON. make-fixture.sh runs it against the release
// built from commit 73e3143, once on SQLite and once on PostgreSQL.
// Usage: dotnet run MakeFixture.cs -- BASE_URL IDS_JSON   (a file-based app: no project, nothing but the SDK)
#:property PublishAot=false
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

var baseUrl = new Uri(args.Length > 0 ? args[0] : "http://127.0.0.1:3000");
var api = new Api(baseUrl);

var alma = await api.SignupAsync("admin", "Alma Admin", "alma@release.example.com", "alma-password-1");
var ada = await api.SignupAsync("supervisor", "Ada Supervisor", "ada@release.example.com", "ada-password-1");
// Over bcrypt's 72-byte limit: a login upgrade that truncates would accept a wrong tail.
var mo = await api.SignupAsync("supervisor", "Mo Supervisor", "mo@release.example.com", string.Concat(Enumerable.Repeat("mo-long-password-", 6)));
// Non-ASCII in name and password: the hash is over UTF-8 bytes.
var zoe = await api.SignupAsync("supervisor", "Zoë Supervisor", "zoe@release.example.com", "zoë-pässwörd-✓");
var ben = await api.SignupAsync("agent", "Ben Agent", "ben@release.example.com", "ben-password-1", ada.Id);
var cy = await api.SignupAsync("agent", "Cy Agent", "cy@release.example.com", "cy-password-1", ada.Id);
var dee = await api.SignupAsync("agent", "Dee Agent", "dee@release.example.com", "dee-password-1", zoe.Id);
var eve = await api.SignupAsync("candidate", "Eve Candidate", "eve@release.example.com", "eve-password-1");
var finn = await api.SignupAsync("candidate", "Finn Candidate", "finn@release.example.com", "finn-password-1");
var gus = await api.SignupAsync("candidate", "Gus Candidate", "gus@release.example.com", "gus-password-1");
// Signed up in mixed case: the release stores it lower-cased.
var hana = await api.SignupAsync("candidate", "Hana Candidate", "Hana@Release.Example.COM", "hana-password-1");
var ida = await api.SignupAsync("candidate", "Ida Candidate", "ida@release.example.com", "ida-password-1");

// 1. Closed by its agent after a chat: persisted messages.
var closedByAgent = await api.OpenAsync(eve, ada);
await api.AssignAsync(closedByAgent, ada, ben);
await using (var eveSocket = await Chat.ConnectAsync(baseUrl, eve))
await using (var benSocket = await Chat.ConnectAsync(baseUrl, ben))
{
    await eveSocket.JoinAsync(closedByAgent, "open");
    await benSocket.JoinAsync(closedByAgent, "assigned");
    await Chat.ExchangeAsync(closedByAgent, eveSocket, benSocket, Transcripts.ClosedByAgent);
    await benSocket.SendAsync("CLOSE_CONVERSATION", new { conversationId = closedByAgent });
    await eveSocket.ExpectAsync("CONVERSATION_CLOSED");
}

// 2. Closed over HTTP while still open (agent assigned, never joined), after the candidate wrote alone.
var closedOverHttp = await api.OpenAsync(ida, zoe);
await api.AssignAsync(closedOverHttp, zoe, dee);
await using (var idaSocket = await Chat.ConnectAsync(baseUrl, ida))
{
    await idaSocket.JoinAsync(closedOverHttp, "open");
    foreach (var (_, content) in Transcripts.ClosedOverHttp) await idaSocket.SendAsync("SEND_MESSAGE", new { conversationId = closedOverHttp, content });
    await api.AssertLiveCountAsync(closedOverHttp, zoe, Transcripts.ClosedOverHttp.Length);
}
await api.CallAsync(HttpMethod.Post, $"/conversations/{closedOverHttp}/close", null, zoe.Token, 200);

// 3. Open, no agent, one live message from the candidate.
var openUnassigned = await api.OpenAsync(gus, ada);
await using (var gusSocket = await Chat.ConnectAsync(baseUrl, gus))
{
    await gusSocket.JoinAsync(openUnassigned, "open");
    foreach (var (_, content) in Transcripts.OpenUnassigned) await gusSocket.SendAsync("SEND_MESSAGE", new { conversationId = openUnassigned, content });
    await api.AssertLiveCountAsync(openUnassigned, ada, Transcripts.OpenUnassigned.Length);
}

// 4. Open with an agent assigned who has not joined: no messages.
var openAssignedAgent = await api.OpenAsync(hana, zoe);
await api.AssignAsync(openAssignedAgent, zoe, dee);

// 5. Assigned (Ben, then reassigned to Cy) and chatting: live messages in two checkpoints, the last one written on SIGTERM.
var active = await api.OpenAsync(finn, ada);
await api.AssignAsync(active, ada, ben);
await api.AssignAsync(active, ada, cy);
await using (var finnSocket = await Chat.ConnectAsync(baseUrl, finn))
await using (var cySocket = await Chat.ConnectAsync(baseUrl, cy))
{
    await finnSocket.JoinAsync(active, "open");
    await cySocket.JoinAsync(active, "assigned");
    await Chat.ExchangeAsync(active, finnSocket, cySocket, Transcripts.Active[..4]);
    await Task.Delay(TimeSpan.FromSeconds(3));   // past one 2 s checkpoint: the rest goes into the shutdown checkpoint
    await Chat.ExchangeAsync(active, finnSocket, cySocket, Transcripts.Active[4..]);
}
await api.AssertLiveCountAsync(active, ada, Transcripts.Active.Length);

var ids = new JsonObject
{
    ["users"] = new JsonObject
    {
        ["alma"] = alma.Id, ["ada"] = ada.Id, ["mo"] = mo.Id, ["zoe"] = zoe.Id, ["ben"] = ben.Id, ["cy"] = cy.Id, ["dee"] = dee.Id,
        ["eve"] = eve.Id, ["finn"] = finn.Id, ["gus"] = gus.Id, ["hana"] = hana.Id, ["ida"] = ida.Id,
    },
    ["conversations"] = new JsonObject
    {
        ["closedByAgent"] = closedByAgent, ["closedOverHttp"] = closedOverHttp, ["openUnassigned"] = openUnassigned,
        ["openAssignedAgent"] = openAssignedAgent, ["active"] = active,
    },
    ["analytics"] = (await api.CallAsync(HttpMethod.Get, "/admin/analytics", null, alma.Token, 200)).DeepClone(),
};
File.WriteAllText(args[1], ids.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
return 0;

/// <summary>Who says what, in order: "c" is the candidate, "a" the agent.</summary>
static class Transcripts
{
    public static readonly (string From, string Content)[] ClosedByAgent =
    [
        ("c", "Hello! My order #4711 never arrived 📦"),
        ("a", "Sorry to hear that — let me check. Können Sie die Postleitzahl bestätigen?"),
        ("c", "Sure: 10115 Berlin. Ça va prendre longtemps ? 🙏"),
        ("a", "Found it: it is at the depot.\nIt ships tomorrow — 明日発送します。"),
        ("c", "  Thanks!! 👍🏽 \"quoted\" & <b>not html</b>  "),
        ("a", "You're welcome 😊"),
    ];

    public static readonly (string From, string Content)[] ClosedOverHttp =
    [
        ("c", "Is anyone there?"),
        ("c", "Ich warte… ⏳"),
    ];

    public static readonly (string From, string Content)[] OpenUnassigned = [("c", "Anyone? 👀")];

    public static readonly (string From, string Content)[] Active =
    [
        ("c", "Hi, my invoice shows the wrong address"),
        ("a", "Hi Finn! Which invoice number?"),
        ("c", "INV-2026-0042 ✉️"),
        ("a", "Thanks, looking into it…"),
        ("c", "Straße should be \"Hauptstraße 5\", not \"Hauptstrasse 5\""),
        ("a", "Noted 👍 I'll send a corrected one."),
        ("c", "🎉🎉🎉"),
    ];
}

sealed record Account(string Id, string Email, string Password, string Token);

sealed class Api(Uri baseUrl)
{
    readonly HttpClient _http = new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(15) };

    public async Task<Account> SignupAsync(string role, string name, string email, string password, string? supervisorId = null)
    {
        var user = await CallAsync(HttpMethod.Post, "/auth/signup", new { name, email, password, role, supervisorId }, null, 201);
        var login = await CallAsync(HttpMethod.Post, "/auth/login", new { email, password }, null, 200);
        return new Account(user["_id"]!.GetValue<string>(), user["email"]!.GetValue<string>(), password, login["token"]!.GetValue<string>());
    }

    public async Task<string> OpenAsync(Account candidate, Account supervisor) =>
        (await CallAsync(HttpMethod.Post, "/conversations", new { supervisorId = supervisor.Id }, candidate.Token, 201))["_id"]!.GetValue<string>();

    public Task AssignAsync(string conversationId, Account supervisor, Account agent) =>
        CallAsync(HttpMethod.Post, $"/conversations/{conversationId}/assign", new { agentId = agent.Id }, supervisor.Token, 200);

    /// <summary>Waits until the server holds every message sent: sockets get no echo of their own messages.</summary>
    public async Task AssertLiveCountAsync(string conversationId, Account reader, int count)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var conversation = await CallAsync(HttpMethod.Get, $"/conversations/{conversationId}", null, reader.Token, 200);
            if (conversation["messages"]!.AsArray().Count == count) return;
            await Task.Delay(50);
        }
        throw new InvalidOperationException($"{conversationId} never held {count} messages");
    }

    public async Task<JsonNode> CallAsync(HttpMethod method, string path, object? body, string? token, int status)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != status) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["data"]!;
    }
}

sealed class Chat(ClientWebSocket socket, Account account) : IAsyncDisposable
{
    Account Account { get; } = account;

    static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(10);

    public static async Task<Chat> ConnectAsync(Uri baseUrl, Account account)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(FrameTimeout);
        await socket.ConnectAsync(new UriBuilder(baseUrl) { Scheme = "ws", Path = "/ws", Query = $"token={account.Token}" }.Uri, timeout.Token);
        return new Chat(socket, account);
    }

    /// <summary>Sends each line from its side and waits until the other side has it, so the room's order is the list's.</summary>
    public static async Task ExchangeAsync(string conversationId, Chat candidate, Chat agent, (string From, string Content)[] lines)
    {
        foreach (var (from, content) in lines)
        {
            var (sender, receiver) = from == "c" ? (candidate, agent) : (agent, candidate);
            await sender.SendAsync("SEND_MESSAGE", new { conversationId, content });
            var received = await receiver.ExpectAsync("NEW_MESSAGE");
            if (received["content"]!.GetValue<string>() != content || received["senderId"]!.GetValue<string>() != sender.Account.Id)
                throw new InvalidOperationException($"unexpected NEW_MESSAGE {received.ToJsonString()}");
        }
    }

    public async Task JoinAsync(string conversationId, string expectedStatus)
    {
        await SendAsync("JOIN_CONVERSATION", new { conversationId });
        var joined = await ExpectAsync("JOINED_CONVERSATION");
        if (joined["status"]!.GetValue<string>() != expectedStatus) throw new InvalidOperationException($"joined as {joined.ToJsonString()}");
    }

    public async Task SendAsync(string eventName, object data)
    {
        using var timeout = new CancellationTokenSource(FrameTimeout);
        await socket.SendAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { @event = eventName, data })), WebSocketMessageType.Text, true, timeout.Token);
    }

    public async Task<JsonNode> ExpectAsync(string eventName)
    {
        using var timeout = new CancellationTokenSource(FrameTimeout);
        var buffer = new byte[64 * 1024];
        using var text = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException($"{Account.Email}: closed while waiting for {eventName}");
            text.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        var frame = JsonNode.Parse(text.ToArray())!;
        if (frame["event"]!.GetValue<string>() != eventName) throw new InvalidOperationException($"{Account.Email}: expected {eventName}, got {frame.ToJsonString()}");
        return frame["data"]!;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "fixture done", timeout.Token);
        socket.Dispose();
    }
}
