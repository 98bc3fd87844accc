using System.Net;
using Npgsql;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>
/// Issue 15, failure behaviour: an instance killed mid-chat loses no accepted message; Redis going away refuses sends
/// with an error (never a silent loss) and the service recovers by itself when it is back; a Redis that lost its data
/// is reported on JOINED_CONVERSATION as <c>"recovered": false</c>, and seqs are never handed out twice.
/// </summary>
[Trait("Engine", "Redis")]
public sealed class ScaleOutFailureTests
{
    [Fact]
    public async Task An_instance_killed_mid_chat_loses_no_accepted_message_and_retries_on_the_other_are_stored_once()
    {
        await using var pair = await TwoInstances.StartAsync();
        var chat = await pair.A.AssignedConversationAsync();
        var candidate = await pair.A.ConnectAsync(chat.Candidate);
        await using var agent = await pair.B.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);

        const int acknowledged = 30, inFlight = 10;
        for (var i = 0; i < acknowledged; i++)
        {
            await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = $"c{i}", clientMessageId = $"id-{i}" });
            (await candidate.ExpectAsync("MESSAGE_ACCEPTED")).Data.GetProperty("seq").GetInt32().ShouldBe(i + 1);
        }
        for (var i = acknowledged; i < acknowledged + inFlight; i++)
            await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = $"c{i}", clientMessageId = $"id-{i}" });
        await pair.KillAsync(0);
        await candidate.DisposeAsync();

        // The client reconnects to the surviving instance, resumes, and retries what it has no MESSAGE_ACCEPTED for.
        await using var again = await pair.B.ConnectAsync(chat.Candidate);
        await again.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id, sinceSeq = acknowledged });
        await again.ExpectAsync("JOINED_CONVERSATION");
        for (var i = acknowledged; i < acknowledged + inFlight; i++)
        {
            await again.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = $"c{i}", clientMessageId = $"id-{i}" });
            await ExpectAcceptedAsync(again, $"id-{i}");
        }

        var expected = Enumerable.Range(0, acknowledged + inFlight).Select(i => $"c{i}").ToList();
        (await ScaleOutTests.HistoryAsync(pair.B, chat.Id, chat.Agent.Token)).ShouldBe(expected);
        await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
        await again.ExpectAsync("CONVERSATION_CLOSED");
        (await ScaleOutTests.HistoryAsync(pair.B, chat.Id, chat.Agent.Token)).ShouldBe(expected);

        // The killed instance comes back and serves the same closed conversation.
        await pair.StartAgainAsync(0);
        (await ScaleOutTests.HistoryAsync(pair.A, chat.Id, chat.Candidate.Token)).ShouldBe(expected);
    }

    [Fact]
    public async Task Redis_going_away_refuses_sends_with_an_error_and_the_chat_resumes_by_itself_when_it_is_back()
    {
        await using var redis = await RedisServer.StartAsync(appendOnly: true);
        await using var pair = await TwoInstances.StartAsync(redis.ConfigurationString);
        var chat = await pair.A.AssignedConversationAsync();
        await using var candidate = await pair.A.ConnectAsync(chat.Candidate);
        await using var agent = await pair.B.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "before" });
        await agent.ExpectAsync("NEW_MESSAGE");

        await redis.StopAsync();
        await ReadinessShouldBecomeAsync(pair.A, HttpStatusCode.ServiceUnavailable);
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "during" });
        await candidate.ExpectErrorAsync("Service unavailable, try again");
        (await pair.A.PostAsync($"/conversations/{chat.Id}/messages", new { content = "during, by HTTP" }, chat.Candidate.Token))
            .ShouldFail(HttpStatusCode.ServiceUnavailable, "Service unavailable, try again");
        await agent.ShouldReceiveNothingAsync();

        await redis.StartAgainAsync();
        await ReadinessShouldBecomeAsync(pair.A, HttpStatusCode.OK);
        await ReadinessShouldBecomeAsync(pair.B, HttpStatusCode.OK);
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "after" });
        var after = (await agent.ExpectAsync("NEW_MESSAGE")).Data;
        after.GetProperty("content").GetString().ShouldBe("after");
        after.GetProperty("seq").GetInt32().ShouldBe(2);   // Redis kept its data (AOF): nothing lost, nothing refused stored

        await agent.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id });
        (await agent.ExpectAsync("JOINED_CONVERSATION")).Data.TryGetProperty("recovered", out _).ShouldBeFalse();
        (await ScaleOutTests.HistoryAsync(pair.B, chat.Id, chat.Agent.Token)).ShouldBe(["before", "after"]);
    }

    [Fact]
    public async Task A_redis_that_lost_its_data_makes_joins_say_recovered_false_and_seqs_carry_on()
    {
        await using var redis = await RedisServer.StartAsync(appendOnly: false);
        await using var pair = await TwoInstances.StartAsync(redis.ConfigurationString);
        var chat = await pair.A.AssignedConversationAsync();
        await using var candidate = await pair.A.ConnectAsync(chat.Candidate);
        await using var agent = await pair.B.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        (await agent.JoinAsync(chat.Id)).Data.TryGetProperty("recovered", out _).ShouldBeFalse();
        for (var i = 0; i < 3; i++) await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = $"m{i}" });
        for (var i = 0; i < 3; i++) await agent.ExpectAsync("NEW_MESSAGE");

        await redis.StopAsync();
        await ReadinessShouldBecomeAsync(pair.B, HttpStatusCode.ServiceUnavailable);
        await redis.StartAgainAsync();   // without persistence: empty
        await ReadinessShouldBecomeAsync(pair.A, HttpStatusCode.OK);
        await ReadinessShouldBecomeAsync(pair.B, HttpStatusCode.OK);

        await ScaleOutTests.WaitForAsync(async () =>
        {
            await agent.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id });
            return (await agent.ExpectAsync("JOINED_CONVERSATION")).Data.TryGetProperty("recovered", out var recovered) && !recovered.GetBoolean();
        });
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "m3" });
        (await agent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("seq").GetInt32().ShouldBe(4);   // not 1 again

        await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
        await candidate.ExpectAsync("CONVERSATION_CLOSED");
        (await ScaleOutTests.HistoryAsync(pair.A, chat.Id, chat.Candidate.Token)).ShouldBe(["m0", "m1", "m2", "m3"]);
    }

    [Fact]
    public async Task After_every_subscriber_is_dropped_the_chat_across_instances_goes_on_and_loses_nothing()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var pair = await TwoInstances.StartAsync(redis.ConfigurationString);
        var chat = await pair.A.AssignedConversationAsync();
        await using var candidate = await pair.A.ConnectAsync(chat.Candidate);
        await using var agent = await pair.B.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);

        // Every subscriber loses its connection. A message published before an instance resubscribes reaches it through
        // the catch-up read after the reconnect; one published after, through the channel. (Which of the two happens here
        // depends on how fast the client reconnects: either way the agent must get it once, in order.)
        int.Parse((await redis.CommandAsync("CLIENT", "KILL", "TYPE", "pubsub"))!).ShouldBe(2);   // one subscriber per instance
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "while B was away", clientMessageId = "k-1" });
        await ExpectAcceptedAsync(candidate, "k-1");

        var missed = (await agent.ExpectAsync("NEW_MESSAGE")).Data;
        missed.GetProperty("seq").GetInt32().ShouldBe(1);
        missed.GetProperty("content").GetString().ShouldBe("while B was away");
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "next" });
        (await agent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("seq").GetInt32().ShouldBe(2);
        await agent.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task A_close_that_commits_while_redis_is_away_stands_and_no_later_send_is_acknowledged_into_it()
    {
        await using var redis = await RedisServer.StartAsync(appendOnly: true);
        await using var pair = await TwoInstances.StartAsync(redis.ConfigurationString);
        var chat = await pair.A.AssignedConversationAsync();
        await using var agent = await pair.A.ConnectAsync(chat.Agent);
        await using var candidate = await pair.B.ConnectAsync(chat.Candidate);
        await agent.JoinAsync(chat.Id);
        await candidate.JoinAsync(chat.Id);
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "before" });
        await agent.ExpectAsync("NEW_MESSAGE");

        // Hold the conversation's row so the close fences in Redis and then waits on the database; meanwhile Redis goes.
        var (connection, hold) = await HoldRowAsync(pair, chat.Id);
        await using var _ = connection;
        await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
        await ScaleOutTests.WaitForAsync(async () => await redis.CommandAsync("EXISTS", Key(pair, chat.Id, "fence")) == "1");
        await redis.StopAsync();
        await hold.CommitAsync();   // the close commits in PostgreSQL; telling Redis fails

        await agent.ShouldReceiveNothingAsync(TimeSpan.FromSeconds(1));   // the close succeeded: no ERROR to the closer
        (await pair.A.GetAsync($"/conversations/{chat.Id}", chat.Candidate.Token)).ShouldSucceed().GetProperty("status").GetString().ShouldBe("closed");
        await redis.StartAgainAsync();
        await candidate.ExpectAsync("CONVERSATION_CLOSED");   // once Redis is back, the other instance hears of the close
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "after the close", clientMessageId = "late-1" });
        await candidate.ExpectErrorAsync("You must join the conversation first");
        (await ScaleOutTests.HistoryAsync(pair.B, chat.Id, chat.Candidate.Token)).ShouldBe(["before"]);
    }

    [Fact]
    public async Task Sends_that_get_past_a_fence_redis_lost_while_a_close_commits_are_persisted_after_it()
    {
        await using var redis = await RedisServer.StartAsync(appendOnly: false);
        await using var pair = await TwoInstances.StartAsync(redis.ConfigurationString);
        var chat = await pair.A.AssignedConversationAsync();
        await using var agent = await pair.A.ConnectAsync(chat.Agent);
        await using var candidate = await pair.B.ConnectAsync(chat.Candidate);
        await agent.JoinAsync(chat.Id);
        await candidate.JoinAsync(chat.Id);
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "m1" });
        await agent.ExpectAsync("NEW_MESSAGE");

        var (connection, hold) = await HoldRowAsync(pair, chat.Id);
        await using var _ = connection;
        await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
        await ScaleOutTests.WaitForAsync(async () => await redis.CommandAsync("EXISTS", Key(pair, chat.Id, "fence")) == "1");
        await redis.StopAsync();
        await redis.StartAgainAsync();   // empty: the fence is gone with everything else
        await ReadinessShouldBecomeAsync(pair.B, HttpStatusCode.OK);
        await ScaleOutTests.WaitForAsync(async () =>
        {
            await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "m2", clientMessageId = "k2" });
            var frame = await candidate.ReceiveAsync();
            return frame.Event == "MESSAGE_ACCEPTED";   // refused (Service unavailable) until B's connection is back
        });
        await hold.CommitAsync();

        await candidate.ExpectAsync("CONVERSATION_CLOSED");
        // Acknowledged, so persisted: after the close's own transcript, at its seq.
        await ScaleOutTests.WaitForAsync(async () => (await ScaleOutTests.HistoryAsync(pair.B, chat.Id, chat.Candidate.Token)).Count == 2);
        (await ScaleOutTests.HistoryAsync(pair.A, chat.Id, chat.Candidate.Token)).ShouldBe(["m1", "m2"]);
    }

    [Fact]
    public async Task After_redis_lost_its_data_an_instance_started_later_sees_every_message_the_others_held()
    {
        await using var redis = await RedisServer.StartAsync(appendOnly: false);
        await using var pair = await TwoInstances.StartAsync(redis.ConfigurationString);
        var chat = await pair.A.AssignedConversationAsync();
        await using var candidate = await pair.B.ConnectAsync(chat.Candidate);
        await candidate.JoinAsync(chat.Id);
        for (var i = 1; i <= 3; i++)
        {
            await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = $"m{i}", clientMessageId = $"m{i}" });
            await ExpectAcceptedAsync(candidate, $"m{i}");
        }
        await ScaleOutTests.WaitForAsync(async () => (await ScaleOutTests.HistoryAsync(pair.A, chat.Id, chat.Agent.Token)).Count == 3);

        await redis.StopAsync();
        await redis.StartAgainAsync();   // empty
        await ReadinessShouldBecomeAsync(pair.B, HttpStatusCode.OK);
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "m4", clientMessageId = "m4" });
        await ExpectAcceptedAsync(candidate, "m4");
        // A starts again, as a new machine would, after both instances wrote back what they held.
        await pair.KillAsync(0);
        await ScaleOutTests.WaitForAsync(async () => await redis.CommandAsync("XLEN", Key(pair, chat.Id, "log")) == "4");
        await pair.StartAgainAsync(0);

        (await ScaleOutTests.HistoryAsync(pair.A, chat.Id, chat.Agent.Token)).ShouldBe(["m1", "m2", "m3", "m4"]);
        await using var agent = await pair.A.ConnectAsync(chat.Agent);
        await agent.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id, sinceSeq = 0 });
        await agent.ExpectAsync("JOINED_CONVERSATION");
        for (var i = 1; i <= 4; i++) (await agent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe($"m{i}");
        await using var retry = await pair.A.ConnectAsync(chat.Candidate);
        await retry.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id, sinceSeq = 4 });
        await retry.ExpectAsync("JOINED_CONVERSATION");
        await retry.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "m1", clientMessageId = "m1" });
        (await retry.ExpectAsync("MESSAGE_ACCEPTED")).Data.GetProperty("seq").GetInt32().ShouldBe(1);   // still known as sent

        await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
        await candidate.ExpectAsync("CONVERSATION_CLOSED");
        (await ScaleOutTests.HistoryAsync(pair.B, chat.Id, chat.Candidate.Token)).ShouldBe(["m1", "m2", "m3", "m4"]);
    }

    [Fact]
    public async Task A_fence_left_by_a_closer_that_died_is_resolved_by_the_database_lifted_while_open_closed_once_closed()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var pair = await TwoInstances.StartAsync(redis.ConfigurationString, new Dictionary<string, string> { ["Redis__FenceStaleSeconds"] = "1" });
        var open = await pair.A.AssignedConversationAsync();
        var closed = await pair.A.AssignedConversationAsync();
        await using var candidate = await pair.A.ConnectAsync(open.Candidate);
        await using var otherCandidate = await pair.A.ConnectAsync(closed.Candidate);
        await using var otherAgent = await pair.B.ConnectAsync(closed.Agent);
        await candidate.JoinAsync(open.Id);
        await otherCandidate.JoinAsync(closed.Id);
        await otherAgent.JoinAsync(closed.Id);

        // As a close leaves it when its process dies between fencing and telling Redis the outcome.
        await redis.CommandAsync("SET", Key(pair, open.Id, "fence"), "dead-closer");
        await redis.CommandAsync("SET", Key(pair, closed.Id, "fence"), "dead-closer");
        await using (var connection = new NpgsqlConnection(pair.Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var close = new NpgsqlCommand("""UPDATE "Conversations" SET "Status" = 'closed' WHERE "Id" = @id""", connection);
            close.Parameters.AddWithValue("id", closed.Id);
            (await close.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        // Still open in the database: the fence is lifted and the send goes through.
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = open.Id, content = "after the fence", clientMessageId = "f-1" });
        await ExpectAcceptedAsync(candidate, "f-1");
        (await redis.CommandAsync("EXISTS", Key(pair, open.Id, "fence"))).ShouldBe("0");
        // Closed in the database: Redis is told, the send is refused, and the rooms on both instances close.
        await otherCandidate.SendAsync("SEND_MESSAGE", new { conversationId = closed.Id, content = "too late" });
        await otherCandidate.ExpectAsync("CONVERSATION_CLOSED");
        await otherCandidate.ExpectErrorAsync("You must join the conversation first");
        await otherAgent.ExpectAsync("CONVERSATION_CLOSED");
    }

    [Fact]
    public async Task A_reassignment_made_while_redis_is_away_evicts_the_previous_agent_everywhere_once_it_is_back_even_if_its_instance_died()
    {
        await using var redis = await RedisServer.StartAsync(appendOnly: true);
        await using var pair = await TwoInstances.StartAsync(redis.ConfigurationString);
        var chat = await pair.A.AssignedConversationAsync();
        var next = await pair.A.NewUserAsync("agent", chat.Supervisor.Id);
        await using var previous = await pair.B.ConnectAsync(chat.Agent);
        await previous.JoinAsync(chat.Id);

        await redis.StopAsync();
        await ReadinessShouldBecomeAsync(pair.A, HttpStatusCode.ServiceUnavailable);
        (await pair.A.PostAsync($"/conversations/{chat.Id}/assign", new { agentId = next.Id }, chat.Supervisor.Token)).ShouldSucceed();
        await pair.KillAsync(0);   // the instance that would publish the eviction once Redis is back never does
        await redis.StartAgainAsync();
        await ReadinessShouldBecomeAsync(pair.B, HttpStatusCode.OK);

        // B re-reads the assignment when its connection comes back: the previous agent is out of the room.
        await ScaleOutTests.WaitForAsync(async () =>
        {
            await previous.SendAsync("TYPING", new { conversationId = chat.Id });
            var answers = await previous.ReceiveUntilQuietAsync(TimeSpan.FromMilliseconds(200));   // none while still in the room
            return answers.Any(f => f.Event == "ERROR" && f.Data.GetProperty("message").GetString() == "You must join the conversation first");
        });
        await previous.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id });
        await previous.ExpectErrorAsync("Not allowed to access this conversation");
    }

    /// <summary>A key of the Redis engine's layout (RedisTranscriptLog: prefix, conversation id in braces, part).</summary>
    static string Key(TwoInstances pair, string conversationId, string part) => $"{pair.KeyPrefix}{{{conversationId}}}:{part}";

    /// <summary>The conversation's row locked FOR UPDATE in a transaction of its own: a close waits on it until it ends.</summary>
    static async Task<(NpgsqlConnection Connection, NpgsqlTransaction Hold)> HoldRowAsync(TwoInstances pair, string conversationId)
    {
        var connection = new NpgsqlConnection(pair.Database.ConnectionString);
        await connection.OpenAsync();
        var hold = await connection.BeginTransactionAsync();
        await using var lockRow = new NpgsqlCommand("""SELECT 1 FROM "Conversations" WHERE "Id" = @id FOR UPDATE""", connection, hold);
        lockRow.Parameters.AddWithValue("id", conversationId);
        await lockRow.ExecuteScalarAsync();
        return (connection, hold);
    }

    static async Task ExpectAcceptedAsync(TestSocket socket, string clientMessageId)
    {
        // Messages of the other side may arrive in between; only the acknowledgement matters here.
        while (true)
        {
            var frame = await socket.ReceiveAsync();
            if (frame.Event == "MESSAGE_ACCEPTED")
            {
                frame.Data.GetProperty("clientMessageId").GetString().ShouldBe(clientMessageId);
                return;
            }
            frame.Event.ShouldBe("NEW_MESSAGE");
        }
    }

    static async Task ReadinessShouldBecomeAsync(ServiceProcess instance, HttpStatusCode status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await instance.Http.GetAsync("/health/ready")).StatusCode != status)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"/health/ready never answered {(int)status}");
            await Task.Delay(50);
        }
    }
}
