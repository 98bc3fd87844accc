using System.Net;
using System.Text.Json;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.PostMessage;

/// <summary>CONTRACT.md Part 2 "Routes", POST /conversations/:id/messages: who may send, the errors, delivery to every socket in the room.</summary>
public sealed class PostMessageTests(TestApp app) : IClassFixture<TestApp>
{
    Task<ApiResponse> SendAsync(string id, object body, string token) => app.PostAsync($"/conversations/{id}/messages", body, token);

    [Fact]
    public async Task A_candidates_message_is_201_and_reaches_every_socket_in_the_room_their_own_included()
    {
        await using var chat = await app.JoinedChatAsync();
        await using var secondTab = await app.ConnectAsync(chat.Chat.Candidate);
        await secondTab.JoinAsync(chat.Id);

        var data = (await SendAsync(chat.Id, new { content = "Sent over HTTP ✉️" }, chat.Chat.Candidate.Token)).ShouldSucceed(HttpStatusCode.Created);

        data.EnumerateObject().Select(p => p.Name).ShouldBe(["conversationId", "senderId", "senderRole", "content", "createdAt", "seq"], ignoreOrder: true);
        data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
        data.GetProperty("senderId").GetString().ShouldBe(chat.Chat.Candidate.Id);
        data.GetProperty("senderRole").GetString().ShouldBe("candidate");
        data.GetProperty("content").GetString().ShouldBe("Sent over HTTP ✉️");
        data.GetProperty("seq").GetInt32().ShouldBe(1);
        foreach (var socket in new[] { chat.Agent, chat.Candidate, secondTab })
        {
            var frame = await socket.ExpectAsync("NEW_MESSAGE");
            frame.Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
            frame.Data.GetProperty("content").GetString().ShouldBe("Sent over HTTP ✉️");
            frame.Data.GetProperty("seq").GetInt32().ShouldBe(1);
            frame.Data.GetProperty("createdAt").GetString().ShouldBe(data.GetProperty("createdAt").GetString());
            await socket.ShouldReceiveNothingAsync();
        }
    }

    [Fact]
    public async Task Http_and_socket_sends_share_one_sequence_and_a_get_right_after_shows_them()
    {
        await using var chat = await app.JoinedChatAsync();

        await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "one" });
        (await chat.Agent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("seq").GetInt32().ShouldBe(1);
        (await SendAsync(chat.Id, new { content = "two" }, chat.Chat.Agent.Token)).ShouldSucceed(HttpStatusCode.Created).GetProperty("seq").GetInt32().ShouldBe(2);
        (await chat.Agent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("seq").GetInt32().ShouldBe(2);
        (await chat.Candidate.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("seq").GetInt32().ShouldBe(2);
        await chat.Agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "three" });
        (await chat.Candidate.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("seq").GetInt32().ShouldBe(3);

        var conversation = (await app.GetAsync($"/conversations/{chat.Id}", chat.Chat.Supervisor.Token)).ShouldSucceed();
        conversation.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("seq").GetInt32(), m.GetProperty("content").GetString()))
            .ShouldBe([(1, "one"), (2, "two"), (3, "three")]);
        conversation.GetProperty("messageCount").GetInt32().ShouldBe(3);
        conversation.GetProperty("lastMessagePreview").GetString().ShouldBe("three");
        conversation.GetProperty("unreadByCandidate").GetInt32().ShouldBe(2);
        conversation.GetProperty("unreadByAgent").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Nobody_needs_to_be_in_the_room_and_the_message_is_live_at_once()
    {
        var chat = await app.OpenConversationAsync();

        (await SendAsync(chat.Id, new { content = "anyone?" }, chat.Candidate.Token)).ShouldSucceed(HttpStatusCode.Created).GetProperty("seq").GetInt32().ShouldBe(1);

        var page = (await app.GetAsync($"/conversations/{chat.Id}/messages", chat.Supervisor.Token)).ShouldSucceed();
        page.GetProperty("items").EnumerateArray().Single().GetProperty("content").GetString().ShouldBe("anyone?");
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        (await candidate.JoinAsync(chat.Id)).Data.GetProperty("lastSeq").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task An_agent_may_send_only_once_the_conversation_is_assigned()
    {
        var chat = await app.AssignedConversationAsync();   // assigned over HTTP: still open until the agent joins

        (await SendAsync(chat.Id, new { content = "hello" }, chat.Agent.Token)).ShouldFail(HttpStatusCode.Conflict, "Conversation not yet assigned");
        (await SendAsync(chat.Id, new { content = "hello" }, chat.Candidate.Token)).ShouldSucceed(HttpStatusCode.Created);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await agent.JoinAsync(chat.Id);
        (await SendAsync(chat.Id, new { content = "hello" }, chat.Agent.Token)).ShouldSucceed(HttpStatusCode.Created).GetProperty("seq").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task A_closed_conversation_is_409_for_both_sides_and_keeps_its_transcript()
    {
        var chat = await app.OpenConversationAsync();
        (await SendAsync(chat.Id, new { content = "before" }, chat.Candidate.Token)).ShouldSucceed(HttpStatusCode.Created);
        await app.PostAsync($"/conversations/{chat.Id}/assign", new { agentId = chat.Agent.Id }, chat.Supervisor.Token);
        await app.CloseConversationAsync(new TestConversation(chat.Id, chat.Candidate, chat.Supervisor));

        (await SendAsync(chat.Id, new { content = "after" }, chat.Candidate.Token)).ShouldFail(HttpStatusCode.Conflict, "Conversation already closed");
        (await SendAsync(chat.Id, new { content = "after" }, chat.Agent.Token)).ShouldFail(HttpStatusCode.Conflict, "Conversation already closed");
        var conversation = (await app.GetAsync($"/conversations/{chat.Id}", chat.Candidate.Token)).ShouldSucceed();
        conversation.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()).ShouldBe(["before"]);
        conversation.GetProperty("messageCount").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Someone_elses_conversation_is_403_and_other_roles_are_forbidden()
    {
        var chat = await app.AssignedConversationAsync();
        await using var agent = await app.ConnectAsync(chat.Agent);
        await agent.JoinAsync(chat.Id);

        (await SendAsync(chat.Id, new { content = "hi" }, app.Candidate.Token)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
        (await SendAsync(chat.Id, new { content = "hi" }, app.Agent.Token)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
        (await SendAsync(chat.Id, new { content = "hi" }, chat.Supervisor.Token)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
        (await SendAsync(chat.Id, new { content = "hi" }, app.Admin.Token)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
        (await app.PostAsync($"/conversations/{chat.Id}/messages", new { content = "hi" })).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
        (await SendAsync("6740c0de5d1a2b3c4d0000ff", new { content = "hi" }, chat.Candidate.Token)).ShouldFail(HttpStatusCode.NotFound, "Conversation not found");
        (await SendAsync("nope", new { content = "hi" }, chat.Candidate.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        (await app.GetAsync($"/conversations/{chat.Id}/messages", chat.Candidate.Token)).ShouldSucceed().GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    public static TheoryData<string> BadBodies => new()
    {
        "{}", """{"content":""}""", """{"content":"   "}""", """{"content":null}""", """{"content":5}""", """{"content":"a\u0000b"}""",
        """{"content":"bell\u0007"}""", $$"""{"content":"{{new string('x', 5001)}}"}""", "not json",
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Content_breaking_the_send_message_rules_is_400(string body)
    {
        var chat = await app.OpenConversationAsync();
        (await app.PostRawAsync($"/conversations/{chat.Id}/messages", body, chat.Candidate.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        (await app.GetAsync($"/conversations/{chat.Id}", chat.Candidate.Token)).ShouldSucceed().GetProperty("messageCount").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Content_of_5000_emoji_with_tabs_and_newlines_is_stored_as_sent()
    {
        var chat = await app.OpenConversationAsync();
        var content = "\t" + string.Concat(Enumerable.Repeat("😀", 4998)) + "\r\n";
        (await SendAsync(chat.Id, new { content }, chat.Candidate.Token)).ShouldSucceed(HttpStatusCode.Created).GetProperty("content").GetString().ShouldBe(content);
    }
}

/// <summary>The message budget with a rate of 2 a second (burst 4): HTTP and socket sends draw on the same one.</summary>
public sealed class PostMessageBudgetTests(PostMessageBudgetTests.App app) : IClassFixture<PostMessageBudgetTests.App>
{
    public sealed class App : TestApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("RateLimit:MessagesPerSecond", "2")];
    }

    /// <summary>Sends over HTTP; (accepted, refused) with every refusal checked to be 429 "Too many requests" with a Retry-After.</summary>
    async Task<(int Accepted, int Refused)> SendOverHttpAsync(string conversationId, string token, int count)
    {
        int accepted = 0, refused = 0;
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/conversations/{conversationId}/messages")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { content = $"http {i}" }),
            };
            request.Headers.Authorization = new("Bearer", token);
            using var response = await app.Http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.Created) { accepted++; continue; }
            response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
            JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString().ShouldBe("Too many requests");
            int.Parse(response.Headers.GetValues("Retry-After").Single()).ShouldBeGreaterThanOrEqualTo(1);
            refused++;
        }
        return (accepted, refused);
    }

    [Fact]
    public async Task Http_and_socket_sends_count_toward_one_budget_and_past_it_http_is_429_with_retry_after()
    {
        await using var chat = await app.JoinedChatAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 4; i++) await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = $"ws {i}" });
        var (accepted, refused) = await SendOverHttpAsync(chat.Id, chat.Chat.Candidate.Token, 16);
        var elapsed = clock.Elapsed;
        var wsRefused = (await chat.Candidate.ReceiveUntilQuietAsync()).Count(f => f.Event == "ERROR" && f.Message == "Too many messages");

        var delivered = 4 - wsRefused + accepted;
        // A burst of twice the rate (4), plus 2 for each second the sends took, over both transports together.
        delivered.ShouldBeInRange(4, 4 + 2 * ((int)elapsed.TotalSeconds + 1));
        refused.ShouldBeGreaterThan(0);
        (await app.GetAsync($"/conversations/{chat.Id}", chat.Chat.Candidate.Token)).ShouldSucceed().GetProperty("messageCount").GetInt32().ShouldBe(delivered);
        // The agent's budget is their own.
        (await app.PostAsync($"/conversations/{chat.Id}/messages", new { content = "agent" }, chat.Chat.Agent.Token)).ShouldSucceed(HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_opening_message_of_a_new_conversation_counts_too()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var candidate = await app.NewUserAsync("candidate");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var id = (await app.PostAsync("/conversations", new { supervisorId = supervisor.Id, message = "first" }, candidate.Token))
            .ShouldSucceed(HttpStatusCode.Created).GetProperty("_id").GetString()!;
        var (accepted, _) = await SendOverHttpAsync(id, candidate.Token, 16);
        var elapsed = clock.Elapsed;

        (1 + accepted).ShouldBeInRange(4, 4 + 2 * ((int)elapsed.TotalSeconds + 1));
        (await app.GetAsync($"/conversations/{id}", candidate.Token)).ShouldSucceed().GetProperty("messageCount").GetInt32().ShouldBe(1 + accepted);
    }
}
