using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

// Plays the PRD's user journey against a running SupportChat with real HTTP and WebSocket calls, printing every
// request and response, and stops with exit code 1 at the first answer that differs from CONTRACT.md.
// Usage: dotnet run --project tools/Demo -- [BASE_URL]   (default http://localhost:3000)
// DEMO_ADMIN_EMAIL / DEMO_ADMIN_PASSWORD log in as an existing admin where admin signup is disabled.

var baseUrl = new Uri(args.Length > 0 ? args[0] : "http://localhost:3000");
var demo = new Journey(baseUrl);
try
{
    await demo.RunAsync();
    Console.WriteLine("\nDemo complete: every step answered as CONTRACT.md specifies.");
    return 0;
}
catch (DemoDeviation e)
{
    Console.Error.WriteLine($"\nDEVIATION: {e.Message}");
    return 1;
}
catch (Exception e) when (e is HttpRequestException or WebSocketException or TimeoutException)
{
    Console.Error.WriteLine($"\nFAILED to talk to {baseUrl}: {e.Message}");
    return 1;
}

sealed class DemoDeviation(string message) : Exception(message);

sealed class Journey(Uri baseUrl)
{
    static readonly JsonSerializerOptions Pretty = new() { WriteIndented = false };
    readonly HttpClient _http = new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(15) };
    readonly string _run = Guid.NewGuid().ToString("N")[..8];
    int _step;

    public async Task RunAsync()
    {
        Step("Everyone signs up and logs in");
        var admin = await AdminAsync();
        var supervisor = await SignupAsync("supervisor", "Sam Supervisor");
        var agentA = await SignupAsync("agent", "Ada Agent", supervisor.Id);
        var agentB = await SignupAsync("agent", "Ben Agent", supervisor.Id);
        var candidate = await SignupAsync("candidate", "Cara Candidate");
        var me = await CallAsync(HttpMethod.Get, "/auth/me", null, candidate.Token, 200);
        Expect(me["role"]?.GetValue<string>() == "candidate", "GET /auth/me returns the candidate's role");

        Step("The candidate asks the supervisor for help");
        var created = await CallAsync(HttpMethod.Post, "/conversations", new { supervisorId = supervisor.Id }, candidate.Token, 201);
        var conversationId = created["_id"]!.GetValue<string>();
        Expect(created["status"]?.GetValue<string>() == "open", "a new conversation is open");
        await CallAsync(HttpMethod.Post, "/conversations", new { supervisorId = supervisor.Id }, candidate.Token, 409,
            "Candidate already has an active conversation");

        Step("The supervisor assigns Ada, then reassigns to Ben");
        await CallAsync(HttpMethod.Post, $"/conversations/{conversationId}/assign", new { agentId = agentA.Id }, supervisor.Token, 200);
        var reassigned = await CallAsync(HttpMethod.Post, $"/conversations/{conversationId}/assign", new { agentId = agentB.Id }, supervisor.Token, 200);
        Expect(reassigned["agentId"]?.GetValue<string>() == agentB.Id, "the conversation now belongs to Ben");
        await CallAsync(HttpMethod.Get, $"/conversations/{conversationId}", null, agentA.Token, 403, "Not allowed to access this conversation");

        Step("Candidate and agent chat live over WebSocket");
        await using var candidateSocket = await ChatSocket.ConnectAsync(baseUrl, candidate.Token, "candidate");
        await using var agentSocket = await ChatSocket.ConnectAsync(baseUrl, agentB.Token, "agent");
        var joined = await candidateSocket.RequestAsync("JOIN_CONVERSATION", new { conversationId }, "JOINED_CONVERSATION");
        Expect(joined["status"]?.GetValue<string>() == "open", "the candidate's join leaves the status open");
        joined = await agentSocket.RequestAsync("JOIN_CONVERSATION", new { conversationId }, "JOINED_CONVERSATION");
        Expect(joined["status"]?.GetValue<string>() == "assigned", "the agent's join moves the conversation to assigned");
        await candidateSocket.SendAsync("SEND_MESSAGE", new { conversationId, content = "Hi, I need help with my order" });
        var received = await agentSocket.ExpectAsync("NEW_MESSAGE");
        Expect(received["senderId"]?.GetValue<string>() == candidate.Id, "the agent receives the candidate's message");
        await agentSocket.SendAsync("SEND_MESSAGE", new { conversationId, content = "Happy to help! What is the order number?" });
        await candidateSocket.ExpectAsync("NEW_MESSAGE");
        await candidateSocket.SendAsync("SEND_MESSAGE", new { conversationId, content = "It's 4711. Thanks!" });
        await agentSocket.ExpectAsync("NEW_MESSAGE");

        Step("Anyone involved can read the live conversation");
        var live = await CallAsync(HttpMethod.Get, $"/conversations/{conversationId}", null, supervisor.Token, 200);
        Expect(live["status"]?.GetValue<string>() == "assigned" && live["messages"]?.AsArray().Count == 3, "GET shows status assigned and the 3 live messages");

        Step("The agent closes the resolved conversation");
        await agentSocket.SendAsync("CLOSE_CONVERSATION", new { conversationId });
        await candidateSocket.ExpectAsync("CONVERSATION_CLOSED");
        var closed = await CallAsync(HttpMethod.Get, $"/conversations/{conversationId}", null, candidate.Token, 200);
        Expect(closed["status"]?.GetValue<string>() == "closed", "the conversation is closed");
        var contents = closed["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>()).ToArray();
        Expect(contents.SequenceEqual(["Hi, I need help with my order", "Happy to help! What is the order number?", "It's 4711. Thanks!"]),
            "the persisted transcript holds the 3 messages in order");

        Step("The admin looks at the analytics");
        var analytics = await CallAsync(HttpMethod.Get, "/admin/analytics", null, admin.Token, 200);
        var row = analytics.AsArray().FirstOrDefault(r => r!["supervisorId"]?.GetValue<string>() == supervisor.Id);
        Expect(row is not null && row["agents"]!.GetValue<int>() == 2 && row["conversationsHandled"]!.GetValue<int>() == 1,
            "Sam's row shows 2 agents and 1 conversation handled");
    }

    sealed record Account(string Id, string Token);

    async Task<Account> AdminAsync()
    {
        var email = Environment.GetEnvironmentVariable("DEMO_ADMIN_EMAIL");
        var password = Environment.GetEnvironmentVariable("DEMO_ADMIN_PASSWORD");
        if (string.IsNullOrEmpty(email) || string.IsNullOrEmpty(password)) return await SignupAsync("admin", "Alex Admin");
        var login = await CallAsync(HttpMethod.Post, "/auth/login", new { email, password }, null, 200);
        var token = login["token"]!.GetValue<string>();
        var me = await CallAsync(HttpMethod.Get, "/auth/me", null, token, 200);
        return new Account(me["_id"]!.GetValue<string>(), token);
    }

    async Task<Account> SignupAsync(string role, string name, string? supervisorId = null)
    {
        var email = $"{name.Split(' ')[0].ToLowerInvariant()}.{_run}@demo.example.com";
        const string password = "demo-password-1";
        var user = await CallAsync(HttpMethod.Post, "/auth/signup", new { name, email, password, role, supervisorId }, null, 201);
        Expect(user["_id"]?.GetValue<string>() is { Length: 24 }, "signup returns a 24-character id");
        var login = await CallAsync(HttpMethod.Post, "/auth/login", new { email, password }, null, 200);
        return new Account(user["_id"]!.GetValue<string>(), login["token"]!.GetValue<string>());
    }

    /// <summary>Sends a request, prints both sides, checks the status and envelope; returns <c>data</c>.</summary>
    async Task<JsonNode> CallAsync(HttpMethod method, string path, object? body, string? token, int status, string? error = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        Console.WriteLine($"  → {method} {path}{(body is null ? "" : " " + JsonSerializer.Serialize(body, Pretty))}");
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Console.WriteLine($"  ← {(int)response.StatusCode} {Shorten(text)}");
        Expect((int)response.StatusCode == status, $"{method} {path} answers {status}");
        var envelope = JsonNode.Parse(text) ?? throw new DemoDeviation($"{method} {path} returned no JSON");
        if (error is not null)
        {
            Expect(envelope["success"]?.GetValue<bool>() == false && envelope["error"]?.GetValue<string>() == error, $"error is \"{error}\"");
            return envelope;
        }
        Expect(envelope["success"]?.GetValue<bool>() == true, $"{method} {path} succeeds in the envelope");
        return envelope["data"]!;
    }

    void Step(string title) => Console.WriteLine($"\n{++_step}. {title}");

    static void Expect(bool condition, string what)
    {
        if (!condition) throw new DemoDeviation(what);
    }

    /// <summary>Tokens are long and secret-ish: the transcript shows only their start.</summary>
    static string Shorten(string json) => System.Text.RegularExpressions.Regex.Replace(json, "\"token\":\"([^\"]{12})[^\"]*\"", "\"token\":\"$1…\"");

    sealed class ChatSocket(ClientWebSocket socket, string who) : IAsyncDisposable
    {
        static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(10);

        public static async Task<ChatSocket> ConnectAsync(Uri baseUrl, string token, string who)
        {
            var uri = new UriBuilder(baseUrl) { Scheme = baseUrl.Scheme == "https" ? "wss" : "ws", Path = "/ws", Query = $"token={token}" }.Uri;
            var socket = new ClientWebSocket();
            using var timeout = new CancellationTokenSource(FrameTimeout);
            await socket.ConnectAsync(uri, timeout.Token);
            Console.WriteLine($"  ⇄ {who} connected to {uri.GetLeftPart(UriPartial.Path)}?token=…");
            return new ChatSocket(socket, who);
        }

        public async Task SendAsync(string eventName, object data)
        {
            var frame = JsonSerializer.Serialize(new { @event = eventName, data });
            Console.WriteLine($"  {who} ⇒ {frame}");
            using var timeout = new CancellationTokenSource(FrameTimeout);
            await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, timeout.Token);
        }

        public async Task<JsonNode> RequestAsync(string eventName, object data, string answer)
        {
            await SendAsync(eventName, data);
            return await ExpectAsync(answer);
        }

        public async Task<JsonNode> ExpectAsync(string eventName)
        {
            using var timeout = new CancellationTokenSource(FrameTimeout);
            var buffer = new byte[64 * 1024];
            using var text = new MemoryStream();
            WebSocketReceiveResult result;
            try
            {
                do
                {
                    result = await socket.ReceiveAsync(buffer, timeout.Token);
                    if (result.MessageType == WebSocketMessageType.Close) throw new DemoDeviation($"{who}'s socket closed while waiting for {eventName}");
                    text.Write(buffer, 0, result.Count);
                } while (!result.EndOfMessage);
            }
            catch (OperationCanceledException)
            {
                throw new DemoDeviation($"{who} received no {eventName} within {FrameTimeout.TotalSeconds} s");
            }
            var json = Encoding.UTF8.GetString(text.ToArray());
            Console.WriteLine($"  {who} ⇐ {json}");
            var frame = JsonNode.Parse(json)!;
            Expect(frame["event"]?.GetValue<string>() == eventName, $"{who} receives {eventName}");
            return frame["data"]!;
        }

        public async ValueTask DisposeAsync()
        {
            if (socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try { await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "demo done", timeout.Token); }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
            }
            socket.Dispose();
        }
    }
}
