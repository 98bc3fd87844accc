using System.Text.Json;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>CONTRACT.md Part 2 "WebSocket additions", resume: JOIN_CONVERSATION with sinceSeq replays what this connection was not sent.</summary>
public sealed class ResumeTests(TestApp app) : IClassFixture<TestApp>
{
    static object Send(string conversationId, string content) => new { conversationId, content };

    static int Seq(SocketFrame frame) => frame.Data.GetProperty("seq").GetInt32();

    static bool Replayed(SocketFrame frame) => frame.Data.TryGetProperty("replayed", out var replayed) && replayed.GetBoolean();

    /// <summary>Four messages, 1 and 2 from the candidate, 3 from the agent, 4 from the candidate; each delivered before the next.</summary>
    static async Task ExchangeAsync(JoinedChat chat)
    {
        foreach (var (from, to, content) in new[] { (chat.Candidate, chat.Agent, "c1"), (chat.Candidate, chat.Agent, "c2"), (chat.Agent, chat.Candidate, "a3"), (chat.Candidate, chat.Agent, "c4") })
        {
            await from.SendAsync("SEND_MESSAGE", Send(chat.Id, content));
            (await to.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe(content);
        }
    }

    [Fact]
    public async Task Join_with_since_seq_replays_every_later_message_after_joined_oldest_first_own_ones_included_then_live_ones()
    {
        await using var chat = await app.JoinedChatAsync();
        await ExchangeAsync(chat);
        await using var reconnected = await app.ConnectAsync(chat.Chat.Candidate);

        await reconnected.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id, sinceSeq = 1 });

        (await reconnected.ExpectAsync("JOINED_CONVERSATION")).Data.GetProperty("lastSeq").GetInt32().ShouldBe(4);
        var replayed = new List<SocketFrame>();
        for (var i = 0; i < 3; i++) replayed.Add(await reconnected.ExpectAsync("NEW_MESSAGE"));
        replayed.Select(Seq).ShouldBe([2, 3, 4]);
        replayed.Select(f => f.Data.GetProperty("content").GetString()).ShouldBe(["c2", "a3", "c4"]);
        replayed.ShouldAllBe(f => Replayed(f));
        replayed[0].Data.GetProperty("senderId").GetString().ShouldBe(chat.Chat.Candidate.Id);   // the joiner's own message
        replayed[0].Data.EnumerateObject().Select(p => p.Name).ShouldBe(["conversationId", "senderId", "senderRole", "content", "createdAt", "seq", "replayed"]);
        await reconnected.ShouldReceiveNothingAsync();
        await chat.Candidate.ShouldReceiveNothingAsync();   // only the asking socket gets replayed frames
        await chat.Agent.ShouldReceiveNothingAsync();

        await chat.Agent.SendAsync("SEND_MESSAGE", Send(chat.Id, "live"));
        var live = await reconnected.ExpectAsync("NEW_MESSAGE");
        Seq(live).ShouldBe(5);
        live.Data.TryGetProperty("replayed", out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(1_000_000_000_000)]
    public async Task A_since_seq_at_or_above_the_last_seq_replays_nothing(long sinceSeq)
    {
        await using var chat = await app.JoinedChatAsync();
        await ExchangeAsync(chat);
        await using var reconnected = await app.ConnectAsync(chat.Chat.Agent);

        await reconnected.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id, sinceSeq });

        (await reconnected.ExpectAsync("JOINED_CONVERSATION")).Data.GetProperty("lastSeq").GetInt32().ShouldBe(4);
        await reconnected.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task Since_seq_0_replays_the_whole_transcript()
    {
        await using var chat = await app.JoinedChatAsync();
        await ExchangeAsync(chat);
        await using var reconnected = await app.ConnectAsync(chat.Chat.Agent);

        await reconnected.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id, sinceSeq = 0 });

        await reconnected.ExpectAsync("JOINED_CONVERSATION");
        var frames = await reconnected.ReceiveUntilQuietAsync();
        frames.Select(f => (f.Event, Seq(f), Replayed(f))).ShouldBe([("NEW_MESSAGE", 1, true), ("NEW_MESSAGE", 2, true), ("NEW_MESSAGE", 3, true), ("NEW_MESSAGE", 4, true)]);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("\"1\"")]
    [InlineData("1.5")]
    [InlineData("true")]
    [InlineData("{}")]
    public async Task A_since_seq_that_is_not_an_integer_of_at_least_0_is_an_invalid_request_schema(string sinceSeq)
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);

        await candidate.SendRawAsync($$$"""{"event":"JOIN_CONVERSATION","data":{"conversationId":"{{{chat.Id}}}","sinceSeq":{{{sinceSeq}}}}}""");

        await candidate.ExpectErrorAsync("Invalid request schema");
        await candidate.SendAsync("SEND_MESSAGE", Send(chat.Id, "am I in?"));
        await candidate.ExpectErrorAsync("You must join the conversation first");
    }

    [Fact]
    public async Task A_second_join_on_the_same_connection_replays_only_what_it_was_not_yet_sent()
    {
        await using var chat = await app.JoinedChatAsync();
        await ExchangeAsync(chat);
        await using var late = await app.ConnectAsync(chat.Chat.Agent);
        await late.JoinAsync(chat.Id);   // live from seq 4 on, no replay
        await chat.Candidate.SendAsync("SEND_MESSAGE", Send(chat.Id, "c5"));
        Seq(await late.ExpectAsync("NEW_MESSAGE")).ShouldBe(5);

        await late.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id, sinceSeq = 2 });

        (await late.ExpectAsync("JOINED_CONVERSATION")).Data.GetProperty("lastSeq").GetInt32().ShouldBe(5);
        var frames = await late.ReceiveUntilQuietAsync();
        frames.Select(f => (Seq(f), Replayed(f))).ShouldBe([(3, true), (4, true)]);   // 5 was sent live already

        await late.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id, sinceSeq = 0 });
        await late.ExpectAsync("JOINED_CONVERSATION");
        (await late.ReceiveUntilQuietAsync()).Select(f => (Seq(f), Replayed(f))).ShouldBe([(1, true), (2, true)]);

        await late.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id, sinceSeq = 0 });
        await late.ExpectAsync("JOINED_CONVERSATION");
        await late.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task After_a_leave_a_resuming_join_on_the_same_connection_replays_only_what_came_while_it_was_away()
    {
        await using var chat = await app.JoinedChatAsync();
        await chat.Agent.SendAsync("SEND_MESSAGE", Send(chat.Id, "a1"));
        await chat.Candidate.ExpectAsync("NEW_MESSAGE");
        await chat.Candidate.SendAsync("LEAVE_CONVERSATION", new { conversationId = chat.Id });
        await chat.Candidate.ExpectAsync("LEFT_CONVERSATION");
        (await app.PostAsync($"/conversations/{chat.Id}/messages", new { content = "a2" }, chat.Chat.Agent.Token)).ShouldSucceed(System.Net.HttpStatusCode.Created);

        await chat.Candidate.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id, sinceSeq = 0 });

        await chat.Candidate.ExpectAsync("JOINED_CONVERSATION");
        (await chat.Candidate.ReceiveUntilQuietAsync()).Select(f => (Seq(f), f.Data.GetProperty("content").GetString(), Replayed(f))).ShouldBe([(2, "a2", true)]);
        await chat.Candidate.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id, sinceSeq = 0 });
        await chat.Candidate.ExpectAsync("JOINED_CONVERSATION");
        await chat.Candidate.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task A_reconnect_while_the_other_side_keeps_sending_loses_and_duplicates_nothing()
    {
        await using var chat = await app.JoinedChatAsync();
        await ExchangeAsync(chat);
        const int sinceSeq = 4;
        await chat.Candidate.DisposeAsync();   // the candidate's connection drops
        await using var reconnected = await app.ConnectAsync(chat.Chat.Candidate);

        await using var agentTab = await app.ConnectAsync(chat.Chat.Agent);
        await agentTab.JoinAsync(chat.Id);

        // The agent keeps sending from before the JOIN until well after its answer, so the join lands inside the stream;
        // at most 20 ahead of its other tab's delivery, so the unread socket's outbound queue stays far below its limit.
        var joined = new TaskCompletionSource<SocketFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sent = 0;
        var sending = Task.Run(async () =>
        {
            for (var afterJoined = 0; afterJoined < 50; sent++)
            {
                await chat.Agent.SendAsync("SEND_MESSAGE", Send(chat.Id, $"burst {sent}"));
                if (sent >= 20) await agentTab.ExpectAsync("NEW_MESSAGE");
                if (sent == 10) streaming.SetResult();
                if (joined.Task.IsCompleted) afterJoined++;
            }
        });
        await streaming.Task;
        await reconnected.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id, sinceSeq });
        var messages = new List<SocketFrame>();
        joined.SetResult(await reconnected.ExpectAsync("JOINED_CONVERSATION"));
        await sending;
        while (messages.Count < sent) messages.Add(await reconnected.ExpectAsync("NEW_MESSAGE"));

        var lastSeqAtJoin = (await joined.Task).Data.GetProperty("lastSeq").GetInt32();
        messages.Select(Seq).ShouldBe(Enumerable.Range(sinceSeq + 1, sent));   // each once, in order
        messages.Select(f => f.Data.GetProperty("content").GetString()).ShouldBe(Enumerable.Range(0, sent).Select(i => $"burst {i}"));
        // Replayed exactly up to the lastSeq JOINED_CONVERSATION reported, live after it.
        messages.Select(Replayed).ShouldBe(messages.Select(f => Seq(f) <= lastSeqAtJoin));
        await reconnected.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task Messages_sent_over_http_are_replayed_too()
    {
        await using var chat = await app.JoinedChatAsync();
        (await app.PostAsync($"/conversations/{chat.Id}/messages", new { content = "over http" }, chat.Chat.Agent.Token)).ShouldSucceed(System.Net.HttpStatusCode.Created);
        await chat.Candidate.ExpectAsync("NEW_MESSAGE");
        await using var reconnected = await app.ConnectAsync(chat.Chat.Candidate);

        await reconnected.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id, sinceSeq = 0 });

        await reconnected.ExpectAsync("JOINED_CONVERSATION");
        var replayed = await reconnected.ExpectAsync("NEW_MESSAGE");
        (replayed.Data.GetProperty("content").GetString(), Seq(replayed), Replayed(replayed)).ShouldBe(("over http", 1, true));
        replayed.Data.GetProperty("createdAt").ValueKind.ShouldBe(JsonValueKind.String);
    }
}
