using System.Net;
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
