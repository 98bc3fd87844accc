using System.Net;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>CONTRACT.md Part 2 "WebSocket additions", idempotent sends: SEND_MESSAGE with clientMessageId, answered MESSAGE_ACCEPTED.</summary>
public sealed class IdempotentSendTests(TestApp app) : IClassFixture<TestApp>
{
    static object Send(string conversationId, string content, string clientMessageId) => new { conversationId, content, clientMessageId };

    async Task<string[]> StoredContentsAsync(JoinedChat chat) =>
        [.. (await app.GetAsync($"/conversations/{chat.Id}", chat.Chat.Supervisor.Token)).ShouldSucceed()
            .GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()!)];

    [Fact]
    public async Task A_retried_send_is_stored_and_delivered_once_and_both_sends_are_accepted_with_the_same_seq()
    {
        await using var chat = await app.JoinedChatAsync();
        await chat.Agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "hello" });
        await chat.Candidate.ExpectAsync("NEW_MESSAGE");

        await chat.Candidate.SendAsync("SEND_MESSAGE", Send(chat.Id, "question", "c-1"));
        var first = await chat.Candidate.ExpectAsync("MESSAGE_ACCEPTED");
        var delivered = await chat.Agent.ExpectAsync("NEW_MESSAGE");
        await chat.Candidate.SendAsync("SEND_MESSAGE", Send(chat.Id, "question", "c-1"));
        var repeat = await chat.Candidate.ExpectAsync("MESSAGE_ACCEPTED");

        first.Data.EnumerateObject().Select(p => p.Name).ShouldBe(["conversationId", "clientMessageId", "seq", "createdAt"]);
        first.Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
        first.Data.GetProperty("clientMessageId").GetString().ShouldBe("c-1");
        first.Data.GetProperty("seq").GetInt32().ShouldBe(2);
        first.Data.GetProperty("createdAt").GetString().ShouldBe(delivered.Data.GetProperty("createdAt").GetString());
        repeat.Data.ToString().ShouldBe(first.Data.ToString());
        delivered.Data.TryGetProperty("clientMessageId", out _).ShouldBeFalse();   // NEW_MESSAGE keeps its shape
        await chat.Agent.ShouldReceiveNothingAsync();
        (await StoredContentsAsync(chat)).ShouldBe(["hello", "question"]);
    }

    [Fact]
    public async Task A_repeat_from_another_socket_of_the_same_user_is_recognized_even_with_other_content()
    {
        await using var chat = await app.JoinedChatAsync();
        await using var otherTab = await app.ConnectAsync(chat.Chat.Candidate);
        await otherTab.JoinAsync(chat.Id);
        await chat.Candidate.SendAsync("SEND_MESSAGE", Send(chat.Id, "first try", "retry-me"));
        (await chat.Candidate.ExpectAsync("MESSAGE_ACCEPTED")).Data.GetProperty("seq").GetInt32().ShouldBe(1);
        await chat.Agent.ExpectAsync("NEW_MESSAGE");
        await otherTab.ExpectAsync("NEW_MESSAGE");

        await otherTab.SendAsync("SEND_MESSAGE", Send(chat.Id, "second try", "retry-me"));

        (await otherTab.ExpectAsync("MESSAGE_ACCEPTED")).Data.GetProperty("seq").GetInt32().ShouldBe(1);
        await chat.Agent.ShouldReceiveNothingAsync();
        await chat.Candidate.ShouldReceiveNothingAsync();
        (await StoredContentsAsync(chat)).ShouldBe(["first try"]);
    }

    [Fact]
    public async Task The_same_client_message_id_from_the_other_user_or_in_another_conversation_is_a_new_message()
    {
        await using var chat = await app.JoinedChatAsync();
        await using var other = await app.JoinedChatAsync();
        await chat.Candidate.SendAsync("SEND_MESSAGE", Send(chat.Id, "from candidate", "same"));
        (await chat.Candidate.ExpectAsync("MESSAGE_ACCEPTED")).Data.GetProperty("seq").GetInt32().ShouldBe(1);
        await chat.Agent.ExpectAsync("NEW_MESSAGE");

        await chat.Agent.SendAsync("SEND_MESSAGE", Send(chat.Id, "from agent", "same"));
        (await chat.Agent.ExpectAsync("MESSAGE_ACCEPTED")).Data.GetProperty("seq").GetInt32().ShouldBe(2);
        await chat.Candidate.ExpectAsync("NEW_MESSAGE");
        await other.Candidate.SendAsync("SEND_MESSAGE", Send(other.Id, "elsewhere", "same"));
        (await other.Candidate.ExpectAsync("MESSAGE_ACCEPTED")).Data.GetProperty("seq").GetInt32().ShouldBe(1);
        await other.Agent.ExpectAsync("NEW_MESSAGE");

        (await StoredContentsAsync(chat)).ShouldBe(["from candidate", "from agent"]);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("12")]
    [InlineData("true")]
    [InlineData("[\"a\"]")]
    [InlineData("\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"")]   // 65
    public async Task A_client_message_id_that_is_not_1_to_64_characters_is_an_invalid_request_schema(string clientMessageId)
    {
        await using var chat = await app.JoinedChatAsync();

        await chat.Candidate.SendRawAsync($$$"""{"event":"SEND_MESSAGE","data":{"conversationId":"{{{chat.Id}}}","content":"hi","clientMessageId":{{{clientMessageId}}}}}""");

        await chat.Candidate.ExpectErrorAsync("Invalid request schema");
        await chat.Agent.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task A_client_message_id_of_64_characters_is_accepted_and_without_one_no_message_accepted_is_sent()
    {
        await using var chat = await app.JoinedChatAsync();
        var id = new string('é', 63) + "👀";   // 64 code points, 65 UTF-16 code units

        await chat.Candidate.SendAsync("SEND_MESSAGE", Send(chat.Id, "hi", id));
        (await chat.Candidate.ExpectAsync("MESSAGE_ACCEPTED")).Data.GetProperty("clientMessageId").GetString().ShouldBe(id);
        await chat.Agent.ExpectAsync("NEW_MESSAGE");
        await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "plain" });
        await chat.Agent.ExpectAsync("NEW_MESSAGE");

        await chat.Candidate.ShouldReceiveNothingAsync();   // Part 1's send: nothing back
    }

    [Fact]
    public async Task A_repeat_before_joining_is_still_join_first()
    {
        await using var chat = await app.JoinedChatAsync();
        await chat.Candidate.SendAsync("SEND_MESSAGE", Send(chat.Id, "hi", "k"));
        await chat.Candidate.ExpectAsync("MESSAGE_ACCEPTED");
        await using var outsider = await app.ConnectAsync(chat.Chat.Candidate);

        await outsider.SendAsync("SEND_MESSAGE", Send(chat.Id, "hi", "k"));

        await outsider.ExpectErrorAsync("You must join the conversation first");
    }

    [Fact]
    public async Task A_retried_send_with_attachments_is_accepted_with_the_first_seq_and_stored_once()
    {
        await using var chat = await app.JoinedChatAsync();
        var upload = await app.UploadedIdAsync(chat.Id, chat.Chat.Candidate.Token, Uploads.Png);
        var send = new { conversationId = chat.Id, content = "see file", attachmentIds = new[] { upload }, clientMessageId = "with-file" };

        await chat.Candidate.SendAsync("SEND_MESSAGE", send);
        var first = await chat.Candidate.ExpectAsync("MESSAGE_ACCEPTED");
        await chat.Agent.ExpectAsync("NEW_MESSAGE");
        await chat.Candidate.SendAsync("SEND_MESSAGE", send);

        (await chat.Candidate.ExpectAsync("MESSAGE_ACCEPTED")).Data.ToString().ShouldBe(first.Data.ToString());
        await chat.Agent.ShouldReceiveNothingAsync();
        (await StoredContentsAsync(chat)).ShouldBe(["see file"]);
    }

    [Fact]
    public async Task Http_sends_are_unchanged_a_client_message_id_in_the_body_is_ignored()
    {
        await using var chat = await app.JoinedChatAsync();

        for (var i = 0; i < 2; i++)
            (await app.PostAsync($"/conversations/{chat.Id}/messages", new { content = "over http", clientMessageId = "x" }, chat.Chat.Candidate.Token))
                .ShouldSucceed(HttpStatusCode.Created).GetProperty("seq").GetInt32().ShouldBe(i + 1);

        (await StoredContentsAsync(chat)).ShouldBe(["over http", "over http"]);
        (await chat.Candidate.ReceiveUntilQuietAsync()).Select(f => f.Event).ShouldBe(["NEW_MESSAGE", "NEW_MESSAGE"]);
    }
}
