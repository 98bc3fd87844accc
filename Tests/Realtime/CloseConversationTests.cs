using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

public sealed class CloseConversationTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Closing_notifies_every_other_socket_in_the_room_but_not_the_closer_and_clears_the_room()
    {
        var chat = await app.AssignedConversationAsync();
        var before = await app.SettledCensusAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agentTab1 = await app.ConnectAsync(chat.Agent);
        await using var agentTab2 = await app.ConnectAsync(chat.Agent);
        foreach (var socket in new[] { candidate, agentTab1, agentTab2 }) await socket.JoinAsync(chat.Id);
        app.Rooms().Census().ShouldBe((before.Rooms + 1, 3));

        await agentTab1.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });

        foreach (var other in new[] { candidate, agentTab2 })
        {
            var closed = await other.ExpectAsync("CONVERSATION_CLOSED");
            closed.Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
        }
        await agentTab1.ShouldReceiveNothingAsync();
        await candidate.ShouldReceiveNothingAsync();
        await agentTab2.ShouldReceiveNothingAsync();
        app.Rooms().Census().ShouldBe((before.Rooms, 0));   // all three sockets are still connected, but in no room
        (await app.GetAsync($"/conversations/{chat.Id}", chat.Agent.Token)).ShouldSucceed().GetProperty("status").GetString().ShouldBe("closed");
    }

    [Fact]
    public async Task The_live_messages_are_persisted_in_order_with_their_senders_and_timestamps()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);
        string[] script = ["c: hello", "a: hi, how can I help?", "c: my login fails", "c: since today", "a: fixed, try again", "c:  thanks!  "];
        foreach (var line in script)
        {
            var (from, to) = line.StartsWith("c:") ? (candidate, agent) : (agent, candidate);
            await from.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = line });
            await to.ExpectAsync("NEW_MESSAGE");
        }
        var live = Messages((await app.GetAsync($"/conversations/{chat.Id}", chat.Candidate.Token)).ShouldSucceed());
        live.Select(m => m.Content).ShouldBe(script);

        await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
        await candidate.ExpectAsync("CONVERSATION_CLOSED");

        var closed = (await app.GetAsync($"/conversations/{chat.Id}", chat.Candidate.Token)).ShouldSucceed();
        closed.GetProperty("status").GetString().ShouldBe("closed");
        Messages(closed).ShouldBe(live);
        var rows = await PersistedAsync(chat.Id);
        rows.Select(r => r.Sequence).ShouldBe(Enumerable.Range(0, script.Length));
        rows.Select(r => new TranscriptLine(r.SenderId.ToString(), r.SenderRole, r.Content, Iso(r.CreatedAt))).ShouldBe(live);
        live.Select(m => m.SenderRole).ShouldBe(script.Select(l => l.StartsWith("c:") ? "candidate" : "agent"));
        live.Where(m => m.SenderRole == "agent").ShouldAllBe(m => m.SenderId == chat.Agent.Id);
    }

    [Fact]
    public async Task A_conversation_closed_with_no_messages_persists_none_and_shows_an_empty_list()
    {
        var chat = await app.AssignedConversationAsync();
        await using var agent = await app.ConnectAsync(chat.Agent);
        await using var watcher = await app.ConnectAsync(chat.Agent);
        await agent.JoinAsync(chat.Id);
        await watcher.JoinAsync(chat.Id);

        await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
        await watcher.ExpectAsync("CONVERSATION_CLOSED");

        var closed = (await app.GetAsync($"/conversations/{chat.Id}", chat.Supervisor.Token)).ShouldSucceed();
        closed.GetProperty("status").GetString().ShouldBe("closed");
        closed.GetProperty("messages").GetArrayLength().ShouldBe(0);
        (await PersistedAsync(chat.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task After_a_close_send_and_leave_need_a_join_and_join_and_close_are_refused_as_closed()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await using var agentTab2 = await app.ConnectAsync(chat.Agent);
        foreach (var socket in new[] { candidate, agent, agentTab2 }) await socket.JoinAsync(chat.Id);
        await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
        await candidate.ExpectAsync("CONVERSATION_CLOSED");
        await agentTab2.ExpectAsync("CONVERSATION_CLOSED");

        foreach (var socket in new[] { candidate, agent, agentTab2 })
        {
            await socket.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "anyone?" });
            await socket.ExpectErrorAsync("You must join the conversation first");
            await socket.SendAsync("LEAVE_CONVERSATION", new { conversationId = chat.Id });
            await socket.ExpectErrorAsync("You must join the conversation first");
            await socket.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id });
            await socket.ExpectErrorAsync("Conversation already closed");
        }
        await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
        await agent.ExpectErrorAsync("Conversation already closed");
        await candidate.ShouldReceiveNothingAsync();
        (await PersistedAsync(chat.Id)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("candidate")]
    [InlineData("supervisor")]
    [InlineData("admin")]
    public async Task Only_agents_may_close_and_the_role_is_checked_before_the_data(string role)
    {
        var chat = await app.AssignedConversationAsync();
        var user = role switch { "candidate" => chat.Candidate, "supervisor" => chat.Supervisor, _ => await app.NewUserAsync("admin") };
        await using var agent = await app.ConnectAsync(chat.Agent);
        await using var socket = await app.ConnectAsync(user);
        await agent.JoinAsync(chat.Id);
        if (role == "candidate") await socket.JoinAsync(chat.Id);

        await socket.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
        await socket.ExpectErrorAsync("Forbidden for this role");
        await socket.SendRawAsync("""{"event":"CLOSE_CONVERSATION","data":{"conversationId":7}}""");
        await socket.ExpectErrorAsync("Forbidden for this role");

        await agent.ShouldReceiveNothingAsync();
        (await app.GetAsync($"/conversations/{chat.Id}", chat.Supervisor.Token)).ShouldSucceed().GetProperty("status").GetString().ShouldBe("assigned");
    }

    [Theory]
    [InlineData("another agent of the same supervisor")]
    [InlineData("the previous agent after a reassignment")]
    public async Task An_agent_who_is_not_the_assigned_one_is_not_allowed_to_close(string who)
    {
        var chat = await app.AssignedConversationAsync();
        var other = await app.NewUserAsync("agent", chat.Supervisor.Id);
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var assigned = await app.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await assigned.JoinAsync(chat.Id);
        var stranger = other;
        var current = chat.Agent;
        if (who == "the previous agent after a reassignment")
        {
            (await app.PostAsync($"/conversations/{chat.Id}/assign", new { agentId = other.Id }, chat.Supervisor.Token)).ShouldSucceed();
            (stranger, current) = (chat.Agent, other);
        }
        await using var socket = await app.ConnectAsync(stranger);

        await socket.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });

        await socket.ExpectErrorAsync("Not allowed to access this conversation");
        await candidate.ShouldReceiveNothingAsync();
        await using var currentAgent = await app.ConnectAsync(current);
        (await currentAgent.JoinAsync(chat.Id)).Data.GetProperty("status").GetString().ShouldBe("assigned");
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "still open?" });
        (await currentAgent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("still open?");
    }

    [Fact]
    public async Task Closing_an_unknown_conversation_is_not_allowed()
    {
        var (_, agent) = await app.NewTeamAsync();
        await using var socket = await app.ConnectAsync(agent);

        await socket.SendAsync("CLOSE_CONVERSATION", new { conversationId = ObjectId.NewId().ToString() });

        await socket.ExpectErrorAsync("Not allowed to access this conversation");
    }

    [Fact]
    public async Task Closing_before_the_agent_ever_joined_is_refused_as_not_yet_assigned()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "is anyone there?" });

        await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });

        await agent.ExpectErrorAsync("Conversation not yet assigned");
        await candidate.ShouldReceiveNothingAsync();
        var conversation = (await app.GetAsync($"/conversations/{chat.Id}", chat.Agent.Token)).ShouldSucceed();
        conversation.GetProperty("status").GetString().ShouldBe("open");
        conversation.GetProperty("messages").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Closing_a_conversation_the_supervisor_already_closed_is_refused_as_already_closed()
    {
        var chat = await app.AssignedConversationAsync();
        (await app.PostAsync($"/conversations/{chat.Id}/close", null, chat.Supervisor.Token)).ShouldSucceed();
        await using var agent = await app.ConnectAsync(chat.Agent);

        await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });

        await agent.ExpectErrorAsync("Conversation already closed");
    }

    [Fact]
    public async Task A_stranger_closing_a_closed_conversation_is_told_not_allowed_rather_than_closed()
    {
        var chat = await app.AssignedConversationAsync();
        (await app.PostAsync($"/conversations/{chat.Id}/close", null, chat.Supervisor.Token)).ShouldSucceed();
        await using var stranger = await app.ConnectAsync(await app.NewUserAsync("agent", chat.Supervisor.Id));

        await stranger.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });

        await stranger.ExpectErrorAsync("Not allowed to access this conversation");
    }

    [Fact]
    public async Task The_agent_may_close_from_a_tab_that_never_joined()
    {
        var chat = await app.AssignedConversationAsync();
        var before = await app.SettledCensusAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var joinedTab = await app.ConnectAsync(chat.Agent);
        await using var closingTab = await app.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await joinedTab.JoinAsync(chat.Id);
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "please close this" });
        await joinedTab.ExpectAsync("NEW_MESSAGE");

        await closingTab.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });

        (await candidate.ExpectAsync("CONVERSATION_CLOSED")).Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
        (await joinedTab.ExpectAsync("CONVERSATION_CLOSED")).Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
        await closingTab.ShouldReceiveNothingAsync();
        app.Rooms().Census().ShouldBe((before.Rooms, 0));
        (await PersistedAsync(chat.Id)).Select(r => r.Content).ShouldBe(["please close this"]);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"conversationId":null}""")]
    [InlineData("""{"conversationId":12}""")]
    [InlineData("""{"conversationId":"not-an-id"}""")]
    [InlineData("""{"conversationId":"zzzzzzzzzzzzzzzzzzzzzzzz"}""")]
    public async Task Malformed_data_is_an_invalid_request_schema_and_nothing_closes(string data)
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);

        await agent.SendRawAsync($$"""{"event":"CLOSE_CONVERSATION","data":{{data}}}""");

        await agent.ExpectErrorAsync("Invalid request schema");
        await candidate.ShouldReceiveNothingAsync();
        (await app.GetAsync($"/conversations/{chat.Id}", chat.Agent.Token)).ShouldSucceed().GetProperty("status").GetString().ShouldBe("assigned");
    }

    [Fact]
    public async Task An_uppercase_hex_id_closes_the_conversation()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);

        await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id.ToUpperInvariant() });

        (await candidate.ExpectAsync("CONVERSATION_CLOSED")).Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
    }

    [Theory]
    [InlineData("supervisor")]
    [InlineData("admin")]
    public async Task Http_close_while_the_candidate_is_joined_notifies_the_candidate_persists_the_messages_and_clears_the_room(string closer)
    {
        var chat = await app.AssignedConversationAsync();
        var token = closer == "supervisor" ? chat.Supervisor.Token : (await app.NewUserAsync("admin")).Token;
        var before = await app.SettledCensusAsync();
        await using var tab1 = await app.ConnectAsync(chat.Candidate);
        await using var tab2 = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);   // assigned but never joined: not in the room
        await tab1.JoinAsync(chat.Id);
        await tab2.JoinAsync(chat.Id);
        await tab1.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "hello?" });
        await tab2.ExpectAsync("NEW_MESSAGE");
        await tab2.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "nobody here, never mind" });
        await tab1.ExpectAsync("NEW_MESSAGE");
        var live = Messages((await app.GetAsync($"/conversations/{chat.Id}", token)).ShouldSucceed());

        var response = (await app.PostAsync($"/conversations/{chat.Id}/close", null, token)).ShouldSucceed();

        response.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
        response.GetProperty("status").GetString().ShouldBe("closed");
        foreach (var tab in new[] { tab1, tab2 })
            (await tab.ExpectAsync("CONVERSATION_CLOSED")).Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
        await agent.ShouldReceiveNothingAsync();
        app.Rooms().Census().ShouldBe((before.Rooms, 0));
        var closed = (await app.GetAsync($"/conversations/{chat.Id}", chat.Candidate.Token)).ShouldSucceed();
        closed.GetProperty("status").GetString().ShouldBe("closed");
        Messages(closed).ShouldBe(live);
        live.Select(m => m.Content).ShouldBe(["hello?", "nobody here, never mind"]);
        (await PersistedAsync(chat.Id)).Count.ShouldBe(2);
        await tab1.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "wait" });
        await tab1.ExpectErrorAsync("You must join the conversation first");
    }

    [Fact]
    public async Task Two_tabs_closing_at_once_close_the_conversation_and_persist_its_messages_exactly_once()
    {
        for (var round = 0; round < 10; round++)
        {
            var chat = await app.AssignedConversationAsync();
            await using var candidate = await app.ConnectAsync(chat.Candidate);
            await using var watcher = await app.ConnectAsync(chat.Agent);
            await using var tab1 = await app.ConnectAsync(chat.Agent);
            await using var tab2 = await app.ConnectAsync(chat.Agent);
            await candidate.JoinAsync(chat.Id);
            await watcher.JoinAsync(chat.Id);
            foreach (var content in new[] { "one", "two", "three" })
            {
                await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content });
                await watcher.ExpectAsync("NEW_MESSAGE");
            }

            await Task.WhenAll(
                tab1.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id }),
                tab2.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id }));

            (await candidate.ExpectAsync("CONVERSATION_CLOSED")).Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
            var tabFrames = new[] { await tab1.ReceiveUntilQuietAsync(), await tab2.ReceiveUntilQuietAsync() };
            var summary = $"round {round}: " + string.Join(" | ", tabFrames.Select(f => string.Join(", ", f.Select(x => $"{x.Event} {x.Data}"))));
            foreach (var frames in tabFrames)
            {
                frames.Count.ShouldBeLessThanOrEqualTo(1, summary);
                if (frames.Count == 1)
                {
                    frames[0].Event.ShouldBe("ERROR", summary);
                    frames[0].Message.ShouldBe("Conversation already closed", summary);
                }
            }
            tabFrames.Count(f => f.Count == 1).ShouldBeLessThanOrEqualTo(1, summary);   // the winner hears nothing
            (await candidate.ReceiveUntilQuietAsync()).ShouldBeEmpty(summary);
            (await watcher.ReceiveUntilQuietAsync()).Select(f => f.Event).ShouldBe(["CONVERSATION_CLOSED"], summary);
            (await PersistedAsync(chat.Id)).Select(r => r.Content).ShouldBe(["one", "two", "three"], summary);
            var closed = (await app.GetAsync($"/conversations/{chat.Id}", chat.Agent.Token)).ShouldSucceed();
            closed.GetProperty("status").GetString().ShouldBe("closed");
            closed.GetProperty("messages").GetArrayLength().ShouldBe(3);
        }
    }

    [Fact]
    public async Task Messages_racing_the_agents_close_are_each_either_persisted_or_refused()
    {
        const int batch = 10, batchesAfterTheClose = 2;
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);

        async Task<List<SocketFrame>> AgentClosesMidway()
        {
            var frames = new List<SocketFrame>();
            while (frames.Count < batch) frames.Add(await agent.ReceiveAsync());
            await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
            return frames;
        }
        var closing = AgentClosesMidway();

        // A socket's frames are answered in order, so an unknown event after each batch marks the end of that batch's answers;
        // the batches keep the candidate in step with the server, so the close lands among them rather than after all of them.
        var sent = 0;
        var candidateFrames = new List<SocketFrame>();
        for (var batchesLeft = batchesAfterTheClose; batchesLeft > 0 && sent < 100 * batch;)
        {
            var closedBefore = candidateFrames.Any(f => f.Event == "CONVERSATION_CLOSED");
            for (var i = 0; i < batch; i++, sent++)
                await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = $"m{sent}" });
            await candidate.SendRawAsync("""{"event":"END_OF_BATCH","data":{}}""");
            for (var frame = await candidate.ReceiveAsync(); frame is not { Event: "ERROR", Message: "Unknown event" }; frame = await candidate.ReceiveAsync())
                candidateFrames.Add(frame);
            if (closedBefore) batchesLeft--;
        }
        var agentFrames = await closing;
        agentFrames.AddRange(await agent.ReceiveUntilQuietAsync());
        candidateFrames.AddRange(await candidate.ReceiveUntilQuietAsync());

        candidateFrames.Count(f => f.Event == "CONVERSATION_CLOSED").ShouldBe(1);
        var refusals = candidateFrames.Where(f => f.Event != "CONVERSATION_CLOSED").ToList();
        refusals.ShouldAllBe(f => f.Event == "ERROR" && f.Message == "You must join the conversation first");
        refusals.Count.ShouldBeGreaterThanOrEqualTo(batchesAfterTheClose * batch);   // sent after CONVERSATION_CLOSED had arrived
        var persisted = (await PersistedAsync(chat.Id)).Select(r => r.Content).ToList();
        // Answers come in sending order and no send can succeed after one was refused, so the kept ones are a prefix.
        persisted.ShouldBe(Enumerable.Range(0, sent - refusals.Count).Select(i => $"m{i}"));
        agentFrames.ShouldAllBe(f => f.Event == "NEW_MESSAGE");
        agentFrames.Select(f => f.Data.GetProperty("content").GetString()).ShouldBe(persisted);
        var closed = (await app.GetAsync($"/conversations/{chat.Id}", chat.Candidate.Token)).ShouldSucceed();
        closed.GetProperty("status").GetString().ShouldBe("closed");
        closed.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()).ShouldBe(persisted);
    }

    sealed record TranscriptLine(string SenderId, string SenderRole, string Content, string CreatedAt);

    static List<TranscriptLine> Messages(JsonElement conversation) =>
        [.. conversation.GetProperty("messages").EnumerateArray().Select(m => new TranscriptLine(
            m.GetProperty("senderId").GetString()!, m.GetProperty("senderRole").GetString()!,
            m.GetProperty("content").GetString()!, m.GetProperty("createdAt").GetString()!))];

    static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    Task<List<Message>> PersistedAsync(string id)
    {
        var conversationId = ObjectId.Parse(id);
        return app.WithDbAsync(db => db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId).OrderBy(m => m.Sequence).ToListAsync());
    }
}
