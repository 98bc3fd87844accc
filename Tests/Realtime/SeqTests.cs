using System.Text.Json;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>CONTRACT.md Part 2 "WebSocket additions": NEW_MESSAGE carries seq, JOINED_CONVERSATION lastSeq; Part 1 frames otherwise unchanged.</summary>
public sealed class SeqTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task New_message_frames_number_the_messages_from_1_without_gaps()
    {
        await using var chat = await app.JoinedChatAsync();
        for (var i = 1; i <= 4; i++)
        {
            var (from, to) = i % 2 == 0 ? (chat.Agent, chat.Candidate) : (chat.Candidate, chat.Agent);
            await from.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = $"m{i}" });
            var frame = await to.ExpectAsync("NEW_MESSAGE");
            frame.Data.EnumerateObject().Select(p => p.Name).ShouldBe(["conversationId", "senderId", "senderRole", "content", "createdAt", "seq"]);
            frame.Data.GetProperty("seq").GetInt32().ShouldBe(i);
            await from.ShouldReceiveNothingAsync();   // Part 1: nothing to the sender of a socket message
        }
    }

    [Fact]
    public async Task Joined_conversation_carries_last_seq_0_without_messages_then_the_last_seq()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);

        var joined = await candidate.JoinAsync(chat.Id);
        joined.Data.EnumerateObject().Select(p => p.Name).ShouldBe(["conversationId", "status", "lastSeq"]);
        joined.Data.GetProperty("lastSeq").GetInt32().ShouldBe(0);
        for (var i = 0; i < 3; i++) await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = $"m{i}" });
        await using var agent = await app.ConnectAsync(chat.Agent);

        var agentJoined = await agent.JoinAsync(chat.Id);
        agentJoined.Data.GetProperty("lastSeq").GetInt32().ShouldBe(3);
        agentJoined.Data.GetProperty("status").GetString().ShouldBe("assigned");
    }

    [Fact]
    public async Task Get_right_after_a_socket_send_shows_it_in_every_field()
    {
        await using var chat = await app.JoinedChatAsync();
        var long_ = new string('x', 150);

        await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = long_ });
        var delivered = await chat.Agent.ExpectAsync("NEW_MESSAGE");

        var conversation = (await app.GetAsync($"/conversations/{chat.Id}", chat.Chat.Supervisor.Token)).ShouldSucceed();
        conversation.GetProperty("messageCount").GetInt32().ShouldBe(1);
        conversation.GetProperty("lastMessagePreview").GetString().ShouldBe(new string('x', 100));
        conversation.GetProperty("lastMessageAt").GetString().ShouldBe(delivered.Data.GetProperty("createdAt").GetString());
        (conversation.GetProperty("unreadByCandidate").GetInt32(), conversation.GetProperty("unreadByAgent").GetInt32()).ShouldBe((0, 1));
        conversation.GetProperty("messages")[0].GetProperty("seq").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task A_closed_conversation_keeps_its_figures_from_the_persisted_transcript()
    {
        await using var chat = await app.JoinedChatAsync();
        await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "question" });
        await chat.Agent.ExpectAsync("NEW_MESSAGE");
        await chat.Agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "answer" });
        await chat.Candidate.ExpectAsync("NEW_MESSAGE");
        var live = (await app.GetAsync($"/conversations/{chat.Id}", app.Admin.Token)).ShouldSucceed();

        await chat.Agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
        await chat.Candidate.ExpectAsync("CONVERSATION_CLOSED");

        var closed = (await app.GetAsync($"/conversations/{chat.Id}", app.Admin.Token)).ShouldSucceed();
        closed.GetProperty("status").GetString().ShouldBe("closed");
        closed.GetProperty("closedAt").ValueKind.ShouldBe(JsonValueKind.String);
        foreach (var field in new[] { "messageCount", "lastMessageAt", "lastMessagePreview", "unreadByCandidate", "unreadByAgent", "messages", "createdAt", "priority" })
            closed.GetProperty(field).ToString().ShouldBe(live.GetProperty(field).ToString(), field);
    }
}
