using System.Net;
using System.Text.Json;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.ListMessages;

/// <summary>CONTRACT.md Part 2 "Routes", GET /conversations/:id/messages: before/after/limit/hasMore, the same live and closed.</summary>
public sealed class ListMessagesTests(TestApp app) : IClassFixture<TestApp>
{
    static readonly string[] Queries =
    [
        "", "limit=2", "limit=5", "limit=200", "before=4&limit=2", "before=2", "before=1", "before=0", "before=99&limit=3",
        "after=0&limit=2", "after=3&limit=1", "after=4", "after=5", "after=100", "after=2&limit=2",
    ];

    /// <summary>One page as "seqs | contents | hasMore", e.g. "4,5 | m4,m5 | True", comparable as a whole.</summary>
    async Task<string> PageAsync(string id, string query, string token)
    {
        var data = (await app.GetAsync($"/conversations/{id}/messages?{query}", token)).ShouldSucceed();
        data.EnumerateObject().Select(p => p.Name).ShouldBe(["items", "hasMore"]);
        var items = data.GetProperty("items").EnumerateArray().ToList();
        items.ShouldAllBe(m => m.EnumerateObject().Count() == 5);
        return $"{string.Join(',', items.Select(m => m.GetProperty("seq").GetInt32()))} | "
            + $"{string.Join(',', items.Select(m => m.GetProperty("content").GetString()))} | {data.GetProperty("hasMore").GetBoolean()}";
    }

    /// <summary>A joined chat with messages 1–5, alternating candidate and agent, "m1" … "m5".</summary>
    async Task<JoinedChat> ChatWithFiveMessagesAsync()
    {
        var chat = await app.JoinedChatAsync();
        for (var i = 1; i <= 5; i++)
        {
            var (from, to) = i % 2 == 1 ? (chat.Candidate, chat.Agent) : (chat.Agent, chat.Candidate);
            await from.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = $"m{i}" });
            (await to.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("seq").GetInt32().ShouldBe(i);
        }
        return chat;
    }

    [Fact]
    public async Task Pages_of_a_live_conversation_follow_before_after_and_limit()
    {
        await using var chat = await ChatWithFiveMessagesAsync();
        var token = chat.Chat.Candidate.Token;

        (await PageAsync(chat.Id, "", token)).ShouldBe("1,2,3,4,5 | m1,m2,m3,m4,m5 | False");
        (await PageAsync(chat.Id, "limit=2", token)).ShouldBe("4,5 | m4,m5 | True");
        (await PageAsync(chat.Id, "before=4&limit=2", token)).ShouldBe("2,3 | m2,m3 | True");
        (await PageAsync(chat.Id, "before=3&limit=2", token)).ShouldBe("1,2 | m1,m2 | False");
        (await PageAsync(chat.Id, "before=1", token)).ShouldBe(" |  | False");
        (await PageAsync(chat.Id, "before=0", token)).ShouldBe(" |  | False");
        (await PageAsync(chat.Id, "after=0&limit=2", token)).ShouldBe("1,2 | m1,m2 | True");
        (await PageAsync(chat.Id, "after=3&limit=1", token)).ShouldBe("4 | m4 | True");
        (await PageAsync(chat.Id, "after=3&limit=2", token)).ShouldBe("4,5 | m4,m5 | False");
        (await PageAsync(chat.Id, "after=5", token)).ShouldBe(" |  | False");
        (await PageAsync(chat.Id, "after=100", token)).ShouldBe(" |  | False");
        (await PageAsync(chat.Id, "before=100&limit=1", token)).ShouldBe("5 | m5 | True");
    }

    [Fact]
    public async Task A_closed_conversation_answers_every_query_exactly_as_it_did_while_live()
    {
        await using var chat = await ChatWithFiveMessagesAsync();
        var token = chat.Chat.Supervisor.Token;
        var live = new List<string>();
        foreach (var query in Queries) live.Add(await PageAsync(chat.Id, query, token));
        var liveItems = (await app.GetAsync($"/conversations/{chat.Id}/messages", token)).ShouldSucceed().GetProperty("items").ToString();

        await chat.Agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
        await chat.Candidate.ExpectAsync("CONVERSATION_CLOSED");
        (await app.GetAsync($"/conversations/{chat.Id}", token)).ShouldSucceed().GetProperty("status").GetString().ShouldBe("closed");

        for (var i = 0; i < Queries.Length; i++) (await PageAsync(chat.Id, Queries[i], token)).ShouldBe(live[i], Queries[i]);
        (await app.GetAsync($"/conversations/{chat.Id}/messages", token)).ShouldSucceed().GetProperty("items").ToString().ShouldBe(liveItems);
    }

    [Fact]
    public async Task A_conversation_without_messages_has_an_empty_page()
    {
        var chat = await app.OpenConversationAsync();
        (await PageAsync(chat.Id, "", chat.Candidate.Token)).ShouldBe(" |  | False");
        (await PageAsync(chat.Id, "after=0", chat.Candidate.Token)).ShouldBe(" |  | False");
    }

    [Fact]
    public async Task Message_objects_carry_sender_content_time_and_seq()
    {
        await using var chat = await app.JoinedChatAsync();
        await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "  hello 👋  " });
        await chat.Agent.ExpectAsync("NEW_MESSAGE");

        var message = (await app.GetAsync($"/conversations/{chat.Id}/messages", chat.Chat.Agent.Token)).ShouldSucceed().GetProperty("items")[0];

        message.EnumerateObject().Select(p => p.Name).ShouldBe(["senderId", "senderRole", "content", "createdAt", "seq"], ignoreOrder: true);
        message.GetProperty("senderId").GetString().ShouldBe(chat.Chat.Candidate.Id);
        message.GetProperty("senderRole").GetString().ShouldBe("candidate");
        message.GetProperty("content").GetString().ShouldBe("  hello 👋  ");
        message.GetProperty("createdAt").GetString()!.ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");
        message.GetProperty("seq").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Access_is_that_of_get_conversation()
    {
        var chat = await app.AssignedConversationAsync();
        var path = $"/conversations/{chat.Id}/messages";
        foreach (var token in new[] { chat.Candidate.Token, chat.Agent.Token, chat.Supervisor.Token, app.Admin.Token })
            (await app.GetAsync(path, token)).ShouldSucceed();

        (await app.GetAsync(path, app.Candidate.Token)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
        (await app.GetAsync(path, app.Agent.Token)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
        (await app.GetAsync(path, app.Supervisor.Token)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
        (await app.GetAsync(path)).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
        (await app.GetAsync("/conversations/6740c0de5d1a2b3c4d0000ff/messages", app.Admin.Token)).ShouldFail(HttpStatusCode.NotFound, "Conversation not found");
        (await app.GetAsync("/conversations/not-an-id/messages", app.Admin.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("limit=x")]
    [InlineData("before=-1")]
    [InlineData("after=-1")]
    [InlineData("after=1.5")]
    [InlineData("before=abc")]
    [InlineData("before=1&after=1")]
    [InlineData("before=")]
    [InlineData("after=")]
    [InlineData("limit=")]
    public async Task A_malformed_query_is_400(string query)
    {
        var chat = await app.OpenConversationAsync();
        (await app.GetAsync($"/conversations/{chat.Id}/messages?{query}", chat.Candidate.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        (await app.GetAsync($"/conversations/{chat.Id}/messages?limit=200", chat.Candidate.Token)).ShouldSucceed();
    }
}
