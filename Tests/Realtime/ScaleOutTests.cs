using System.Net;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>Two instances of the service on one PostgreSQL database and one Redis, shared by the tests of one class.</summary>
public sealed class TwoInstancesFixture : IAsyncLifetime
{
    public TwoInstances Pair { get; private set; } = null!;
    public async Task InitializeAsync() => Pair = await TwoInstances.StartAsync();
    public async Task DisposeAsync() => await Pair.DisposeAsync();
}

/// <summary>
/// Issue 15: a candidate's socket on one instance and the agent's on another chat as if they were on one: one order,
/// closes, reassignments, notifications, typing and resume cross the instances through Redis.
/// </summary>
[Trait("Engine", "Redis")]
public sealed class ScaleOutTests(TwoInstancesFixture fixture) : IClassFixture<TwoInstancesFixture>
{
    ServiceProcess A => fixture.Pair.A;
    ServiceProcess B => fixture.Pair.B;

    [Fact]
    public async Task Both_sides_sending_1000_at_once_on_two_instances_see_one_order_with_dense_seqs()
    {
        const int perSender = 1000;
        var chat = await A.AssignedConversationAsync();
        await using var candidate = await A.ConnectAsync(chat.Candidate);
        await using var agent = await B.ConnectAsync(chat.Agent);
        await using var watcherOnA = await A.ConnectAsync(chat.Agent);      // the agent's second tab, on the candidate's instance
        await using var watcherOnB = await B.ConnectAsync(chat.Candidate);  // the candidate's second tab, on the agent's instance
        foreach (var socket in new[] { candidate, agent, watcherOnA, watcherOnB }) await socket.JoinAsync(chat.Id);

        async Task SendAll(TestSocket socket, string prefix)
        {
            for (var i = 0; i < perSender; i++) await socket.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = $"{prefix}{i}" });
        }
        static async Task<List<(long Seq, string Content)>> Collect(TestSocket socket, int count)
        {
            var seen = new List<(long, string)>(count);
            while (seen.Count < count)
            {
                var data = (await socket.ExpectAsync("NEW_MESSAGE")).Data;
                seen.Add((data.GetProperty("seq").GetInt64(), data.GetProperty("content").GetString()!));
            }
            return seen;
        }

        var watching = new[] { Collect(watcherOnA, 2 * perSender), Collect(watcherOnB, 2 * perSender) };
        var candidateSees = Collect(candidate, perSender);
        var agentSees = Collect(agent, perSender);
        await Task.WhenAll(SendAll(candidate, "c"), SendAll(agent, "a"));
        var orders = await Task.WhenAll(watching);

        orders[0].Select(m => m.Seq).ShouldBe(Enumerable.Range(1, 2 * perSender).Select(i => (long)i));
        orders[1].ShouldBe(orders[0]);
        (await candidateSees).ShouldBe(orders[0].Where(m => m.Content.StartsWith('a')).ToList());
        (await agentSees).ShouldBe(orders[0].Where(m => m.Content.StartsWith('c')).ToList());
        orders[0].Where(m => m.Content.StartsWith('c')).Select(m => m.Content).ShouldBe(Enumerable.Range(0, perSender).Select(i => $"c{i}"));
        foreach (var instance in new[] { A, B })
            (await HistoryAsync(instance, chat.Id, chat.Agent.Token)).ShouldBe(orders[0].Select(m => m.Content).ToList());
    }

    [Fact]
    public async Task A_close_on_one_instance_reaches_the_sockets_on_the_other_and_persists_every_message()
    {
        var chat = await A.AssignedConversationAsync();
        await using var candidate = await A.ConnectAsync(chat.Candidate);
        await using var agent = await B.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "from A" });
        (await agent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("from A");
        await agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "from B" });
        await candidate.ExpectAsync("NEW_MESSAGE");

        await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
        await candidate.ExpectAsync("CONVERSATION_CLOSED");
        await agent.ShouldReceiveNothingAsync();   // nothing to the closing socket

        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "too late" });
        await candidate.ExpectErrorAsync("You must join the conversation first");
        await candidate.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id });
        await candidate.ExpectErrorAsync("Conversation already closed");
        (await A.PostAsync($"/conversations/{chat.Id}/messages", new { content = "by HTTP" }, chat.Candidate.Token))
            .ShouldFail(HttpStatusCode.Conflict, "Conversation already closed");
        foreach (var instance in new[] { A, B })
        {
            var conversation = (await instance.GetAsync($"/conversations/{chat.Id}", chat.Candidate.Token)).ShouldSucceed();
            conversation.GetProperty("status").GetString().ShouldBe("closed");
            conversation.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()).ShouldBe(["from A", "from B"]);
        }
    }

    [Fact]
    public async Task A_supervisor_closing_over_http_on_one_instance_closes_the_room_on_both()
    {
        // Open, not yet assigned: the candidate's two tabs on two instances (a supervisor closes only open conversations).
        var chat = await A.OpenConversationAsync();
        await using var tabOnB = await B.ConnectAsync(chat.Candidate);
        await using var tabOnA = await A.ConnectAsync(chat.Candidate);
        await tabOnB.JoinAsync(chat.Id);
        await tabOnA.JoinAsync(chat.Id);
        (await B.PostAsync($"/conversations/{chat.Id}/messages", new { content = "over HTTP on B" }, chat.Candidate.Token)).ShouldSucceed(HttpStatusCode.Created);
        (await tabOnA.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("seq").GetInt32().ShouldBe(1);
        (await tabOnB.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("seq").GetInt32().ShouldBe(1);   // an HTTP send reaches the sender's own sockets too

        (await A.PostAsync($"/conversations/{chat.Id}/close", null, chat.Supervisor.Token)).ShouldSucceed();
        await tabOnA.ExpectAsync("CONVERSATION_CLOSED");
        await tabOnB.ExpectAsync("CONVERSATION_CLOSED");
        (await HistoryAsync(B, chat.Id, chat.Candidate.Token)).ShouldBe(["over HTTP on B"]);
    }

    [Fact]
    public async Task Two_closes_racing_on_two_instances_have_one_winner_and_every_room_hears_it_once()
    {
        var chat = await A.AssignedConversationAsync();
        await using var candidateOnA = await A.ConnectAsync(chat.Candidate);
        await using var candidateOnB = await B.ConnectAsync(chat.Candidate);
        await using var agentOnA = await A.ConnectAsync(chat.Agent);
        await using var agentOnB = await B.ConnectAsync(chat.Agent);
        foreach (var socket in new[] { candidateOnA, candidateOnB, agentOnA, agentOnB }) await socket.JoinAsync(chat.Id);
        await candidateOnA.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "bye" });
        foreach (var socket in new[] { candidateOnB, agentOnA, agentOnB }) await socket.ExpectAsync("NEW_MESSAGE");

        await Task.WhenAll(
            agentOnA.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id }),
            agentOnB.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id }));

        foreach (var candidate in new[] { candidateOnA, candidateOnB })
        {
            await candidate.ExpectAsync("CONVERSATION_CLOSED");
            await candidate.ShouldReceiveNothingAsync();
        }
        var settle = TimeSpan.FromSeconds(1);
        var agentFrames = new[] { await agentOnA.ReceiveUntilQuietAsync(settle), await agentOnB.ReceiveUntilQuietAsync(settle) };
        // The winner hears nothing; the loser is told the conversation closed and that its own close came too late.
        agentFrames.Count(frames => frames.Count == 0).ShouldBe(1);
        var loser = agentFrames.Single(frames => frames.Count > 0);
        loser.Select(f => f.Event).ShouldBe(["CONVERSATION_CLOSED", "ERROR"], ignoreOrder: true);
        loser.Single(f => f.Event == "ERROR").Data.GetProperty("message").GetString().ShouldBe("Conversation already closed");
        (await HistoryAsync(B, chat.Id, chat.Agent.Token)).ShouldBe(["bye"]);
    }

    [Fact]
    public async Task A_reassignment_on_one_instance_evicts_the_previous_agent_from_the_room_on_the_other()
    {
        var chat = await A.AssignedConversationAsync();
        var second = await A.NewUserAsync("agent", chat.Supervisor.Id);
        await using var candidate = await A.ConnectAsync(chat.Candidate);
        await using var previous = await B.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await previous.JoinAsync(chat.Id);

        (await A.PostAsync($"/conversations/{chat.Id}/assign", new { agentId = second.Id }, chat.Supervisor.Token)).ShouldSucceed();
        // The eviction travels through Redis: once the candidate's next message reaches the new agent on B, the
        // eviction (published before it) has been applied on B too.
        await using var next = await B.ConnectAsync(second);
        await next.JoinAsync(chat.Id);
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "for the new agent" });
        (await next.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("for the new agent");
        await previous.ShouldReceiveNothingAsync();
        await previous.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "still here?" });
        await previous.ExpectErrorAsync("You must join the conversation first");
        await previous.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id });
        await previous.ExpectErrorAsync("Not allowed to access this conversation");
    }

    [Fact]
    public async Task Notifications_reach_subscribed_sockets_on_the_other_instance_once()
    {
        var (supervisor, agent) = await A.NewTeamAsync();
        var candidate = await A.NewUserAsync("candidate");
        await using var supervisorOnB = await B.ConnectAsync(supervisor);
        await using var agentOnB = await B.ConnectAsync(agent);
        foreach (var socket in new[] { supervisorOnB, agentOnB })
        {
            await socket.SendAsync("SUBSCRIBE", new { });
            await socket.ExpectAsync("SUBSCRIBED");
        }

        var id = (await A.PostAsync("/conversations", new { supervisorId = supervisor.Id }, candidate.Token)).ShouldSucceed(HttpStatusCode.Created)
            .GetProperty("_id").GetString()!;
        (await supervisorOnB.ExpectAsync("CONVERSATION_CREATED")).Data.GetProperty("_id").GetString().ShouldBe(id);
        (await A.PostAsync($"/conversations/{id}/assign", new { agentId = agent.Id }, supervisor.Token)).ShouldSucceed();
        (await agentOnB.ExpectAsync("CONVERSATION_ASSIGNED")).Data.GetProperty("_id").GetString().ShouldBe(id);
        (await agentOnB.ExpectAsync("CONVERSATION_UPDATED")).Data.GetProperty("agentId").GetString().ShouldBe(agent.Id);
        (await supervisorOnB.ExpectAsync("CONVERSATION_UPDATED")).Data.GetProperty("agentId").GetString().ShouldBe(agent.Id);

        // The agent has not joined: a candidate's message on A is a MESSAGE_NOTIFICATION on the agent's socket on B.
        await using var candidateOnA = await A.ConnectAsync(candidate);
        await candidateOnA.JoinAsync(id);
        await candidateOnA.SendAsync("SEND_MESSAGE", new { conversationId = id, content = "anyone there?" });
        var notification = (await agentOnB.ExpectAsync("MESSAGE_NOTIFICATION")).Data;
        notification.GetProperty("seq").GetInt32().ShouldBe(1);
        notification.GetProperty("preview").GetString().ShouldBe("anyone there?");
        await agentOnB.ShouldReceiveNothingAsync();
        await supervisorOnB.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task Typing_on_one_instance_reaches_the_subscribed_other_side_on_the_other()
    {
        var chat = await A.AssignedConversationAsync();
        await using var candidate = await A.ConnectAsync(chat.Candidate);
        await using var agent = await B.ConnectAsync(chat.Agent);
        await agent.SendAsync("SUBSCRIBE", new { });
        await agent.ExpectAsync("SUBSCRIBED");
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);
        await agent.ExpectAsync("CONVERSATION_UPDATED");   // the agent's join moved it to assigned

        await candidate.SendAsync("TYPING", new { conversationId = chat.Id });
        var typing = (await agent.ExpectAsync("USER_TYPING")).Data;
        typing.GetProperty("userId").GetString().ShouldBe(chat.Candidate.Id);
        typing.GetProperty("role").GetString().ShouldBe("candidate");
        await candidate.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task A_socket_resuming_on_the_other_instance_gets_exactly_what_it_missed()
    {
        var chat = await A.AssignedConversationAsync();
        await using var candidate = await A.ConnectAsync(chat.Candidate);
        await candidate.JoinAsync(chat.Id);
        int lastSeen;
        await using (var agent = await A.ConnectAsync(chat.Agent))
        {
            await agent.JoinAsync(chat.Id);
            for (var i = 0; i < 3; i++) await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = $"seen {i}" });
            for (var i = 0; i < 3; i++) await agent.ExpectAsync("NEW_MESSAGE");
            lastSeen = 3;
        }
        for (var i = 0; i < 4; i++) await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = $"missed {i}" });

        await using var resumed = await B.ConnectAsync(chat.Agent);
        // B learns of A's messages through the channel; wait until its copy has all seven before resuming.
        await WaitForAsync(async () => (await HistoryAsync(B, chat.Id, chat.Agent.Token)).Count == 7);
        await resumed.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id, sinceSeq = lastSeen });
        (await resumed.ExpectAsync("JOINED_CONVERSATION")).Data.GetProperty("lastSeq").GetInt32().ShouldBe(7);
        for (var i = 0; i < 4; i++)
        {
            var replayed = (await resumed.ExpectAsync("NEW_MESSAGE")).Data;
            replayed.GetProperty("seq").GetInt32().ShouldBe(lastSeen + 1 + i);
            replayed.GetProperty("content").GetString().ShouldBe($"missed {i}");
            replayed.GetProperty("replayed").GetBoolean().ShouldBeTrue();
        }
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "live" });
        (await resumed.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("seq").GetInt32().ShouldBe(8);
        await resumed.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task A_retried_send_on_the_other_instance_with_the_same_client_message_id_is_stored_once()
    {
        var chat = await A.AssignedConversationAsync();
        await using var first = await A.ConnectAsync(chat.Candidate);
        await using var retry = await B.ConnectAsync(chat.Candidate);
        await using var agent = await B.ConnectAsync(chat.Agent);
        foreach (var socket in new[] { first, retry, agent }) await socket.JoinAsync(chat.Id);

        await first.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "once", clientMessageId = "m-1" });
        var accepted = (await first.ExpectAsync("MESSAGE_ACCEPTED")).Data;
        (await agent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("seq").GetInt32().ShouldBe(1);
        await retry.ExpectAsync("NEW_MESSAGE");   // the first tab's message reaches the second tab
        await retry.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "once", clientMessageId = "m-1" });
        var repeat = (await retry.ExpectAsync("MESSAGE_ACCEPTED")).Data;
        repeat.GetProperty("seq").GetInt32().ShouldBe(accepted.GetProperty("seq").GetInt32());
        repeat.GetProperty("createdAt").GetString().ShouldBe(accepted.GetProperty("createdAt").GetString());
        await agent.ShouldReceiveNothingAsync();
        (await HistoryAsync(A, chat.Id, chat.Agent.Token)).ShouldBe(["once"]);
    }

    internal static async Task<List<string>> HistoryAsync(ServiceProcess instance, string conversationId, string token) =>
        [.. (await instance.GetAsync($"/conversations/{conversationId}", token)).ShouldSucceed()
            .GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()!)];

    /// <summary>Polls <paramref name="condition"/> until it holds, for at most the frame timeout.</summary>
    internal static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TestSocket.FrameTimeout;
        while (!await condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the condition never held");
            await Task.Delay(20);
        }
    }
}
