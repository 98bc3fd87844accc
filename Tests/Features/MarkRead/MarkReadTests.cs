using System.Net;
using System.Text.Json;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.MarkRead;

/// <summary>CONTRACT.md Part 2 "Routes", POST /conversations/:id/read, and the unread counts of the conversation object.</summary>
public sealed class MarkReadTests(TestApp app) : IClassFixture<TestApp>
{
    Task<ApiResponse> ReadAsync(string id, object body, string token) => app.PostAsync($"/conversations/{id}/read", body, token);

    static (int Candidate, int Agent) Unread(JsonElement conversation) =>
        (conversation.GetProperty("unreadByCandidate").GetInt32(), conversation.GetProperty("unreadByAgent").GetInt32());

    async Task<(int Candidate, int Agent)> UnreadAsync(string id) => Unread((await app.GetAsync($"/conversations/{id}", app.Admin.Token)).ShouldSucceed());

    /// <summary>Messages over HTTP in this order; "c" from the candidate, "a" from the agent.</summary>
    async Task SendAsync(JoinedChat chat, string senders)
    {
        foreach (var sender in senders)
            (await app.PostAsync($"/conversations/{chat.Id}/messages", new { content = $"from {sender}" },
                sender == 'c' ? chat.Chat.Candidate.Token : chat.Chat.Agent.Token)).ShouldSucceed(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Each_side_counts_only_the_other_sides_messages_above_its_marker()
    {
        await using var chat = await app.JoinedChatAsync();
        await SendAsync(chat, "caaca");   // seqs: 1 c, 2 a, 3 a, 4 c, 5 a

        (await UnreadAsync(chat.Id)).ShouldBe((3, 2));
        Unread((await ReadAsync(chat.Id, new { seq = 2 }, chat.Chat.Candidate.Token)).ShouldSucceed()).ShouldBe((2, 2));
        Unread((await ReadAsync(chat.Id, new { seq = 4 }, chat.Chat.Candidate.Token)).ShouldSucceed()).ShouldBe((1, 2));
        Unread((await ReadAsync(chat.Id, new { }, chat.Chat.Agent.Token)).ShouldSucceed()).ShouldBe((1, 0));
        Unread((await ReadAsync(chat.Id, new { }, chat.Chat.Candidate.Token)).ShouldSucceed()).ShouldBe((0, 0));
    }

    [Fact]
    public async Task Reading_never_lowers_what_was_read()
    {
        await using var chat = await app.JoinedChatAsync();
        await SendAsync(chat, "aaa");
        (await ReadAsync(chat.Id, new { seq = 3 }, chat.Chat.Candidate.Token)).ShouldSucceed();

        Unread((await ReadAsync(chat.Id, new { seq = 1 }, chat.Chat.Candidate.Token)).ShouldSucceed()).ShouldBe((0, 0));
        Unread((await ReadAsync(chat.Id, new { seq = 0 }, chat.Chat.Candidate.Token)).ShouldSucceed()).ShouldBe((0, 0));
    }

    [Fact]
    public async Task A_seq_above_the_last_counts_as_the_last_so_later_messages_are_unread()
    {
        await using var chat = await app.JoinedChatAsync();
        await SendAsync(chat, "aa");

        Unread((await ReadAsync(chat.Id, new { seq = 1000 }, chat.Chat.Candidate.Token)).ShouldSucceed()).ShouldBe((0, 0));
        await SendAsync(chat, "a");

        (await UnreadAsync(chat.Id)).ShouldBe((1, 0));
    }

    [Fact]
    public async Task The_agent_sides_read_state_survives_a_reassignment()
    {
        await using var chat = await app.JoinedChatAsync();
        await SendAsync(chat, "cc");
        (await ReadAsync(chat.Id, new { }, chat.Chat.Agent.Token)).ShouldSucceed();
        var next = await app.NewUserAsync("agent", chat.Chat.Supervisor.Id);
        (await app.PostAsync($"/conversations/{chat.Id}/assign", new { agentId = next.Id }, chat.Chat.Supervisor.Token)).ShouldSucceed();

        var seenByNext = Unread((await app.GetAsync($"/conversations/{chat.Id}", next.Token)).ShouldSucceed());
        seenByNext.ShouldBe((0, 0));
        await SendAsync(chat, "c");
        Unread((await ReadAsync(chat.Id, new { seq = 2 }, next.Token)).ShouldSucceed()).ShouldBe((0, 1));   // never lowered below 2
        Unread((await ReadAsync(chat.Id, new { }, next.Token)).ShouldSucceed()).ShouldBe((0, 0));
        (await ReadAsync(chat.Id, new { }, chat.Chat.Agent.Token)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
    }

    [Fact]
    public async Task Unread_counts_of_a_closed_conversation_come_from_its_persisted_messages_and_reading_still_works()
    {
        await using var chat = await app.JoinedChatAsync();
        await SendAsync(chat, "caca");
        (await ReadAsync(chat.Id, new { seq = 2 }, chat.Chat.Candidate.Token)).ShouldSucceed();
        await chat.Agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
        await chat.Candidate.ExpectAsync("NEW_MESSAGE");
        await chat.Candidate.ExpectAsync("NEW_MESSAGE");
        await chat.Candidate.ExpectAsync("NEW_MESSAGE");
        await chat.Candidate.ExpectAsync("NEW_MESSAGE");
        await chat.Candidate.ExpectAsync("CONVERSATION_CLOSED");

        (await UnreadAsync(chat.Id)).ShouldBe((1, 2));
        Unread((await ReadAsync(chat.Id, new { seq = 99 }, chat.Chat.Agent.Token)).ShouldSucceed()).ShouldBe((1, 0));
        var closed = (await ReadAsync(chat.Id, new { }, chat.Chat.Candidate.Token)).ShouldSucceed();
        Unread(closed).ShouldBe((0, 0));
        closed.GetProperty("status").GetString().ShouldBe("closed");
        closed.GetProperty("messageCount").GetInt32().ShouldBe(4);
    }

    [Fact]
    public async Task Only_the_candidate_and_the_assigned_agent_may_mark_read()
    {
        var chat = await app.AssignedConversationAsync();

        (await ReadAsync(chat.Id, new { }, chat.Candidate.Token)).ShouldSucceed();
        (await ReadAsync(chat.Id, new { }, chat.Agent.Token)).ShouldSucceed();   // assigned, not yet joined
        (await ReadAsync(chat.Id, new { }, app.Candidate.Token)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
        (await ReadAsync(chat.Id, new { }, app.Agent.Token)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
        (await ReadAsync(chat.Id, new { }, chat.Supervisor.Token)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
        (await ReadAsync(chat.Id, new { }, app.Admin.Token)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
        (await app.PostAsync($"/conversations/{chat.Id}/read", new { })).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
        (await ReadAsync("6740c0de5d1a2b3c4d0000ff", new { }, chat.Candidate.Token)).ShouldFail(HttpStatusCode.NotFound, "Conversation not found");
        (await ReadAsync("xyz", new { }, chat.Candidate.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    [Theory]
    [InlineData("""{"seq":-1}""")]
    [InlineData("""{"seq":"3"}""")]
    [InlineData("""{"seq":1.5}""")]
    [InlineData("not json")]
    public async Task A_seq_that_is_not_an_integer_of_zero_or_more_is_400(string body)
    {
        var chat = await app.OpenConversationAsync();
        (await app.PostRawAsync($"/conversations/{chat.Id}/read", body, chat.Candidate.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }
}
