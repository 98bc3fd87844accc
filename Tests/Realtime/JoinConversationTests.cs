using System.Net;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

public sealed class JoinConversationTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Candidate_joining_own_open_conversation_is_answered_joined_with_status_open()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);

        await candidate.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id });

        var frame = await candidate.ExpectAsync("JOINED_CONVERSATION");
        frame.Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
        frame.Data.GetProperty("status").GetString().ShouldBe("open");
        (await StatusAsync(chat)).ShouldBe("open");
        await candidate.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task Agent_join_moves_the_conversation_from_open_to_assigned_and_a_later_candidate_sees_assigned()
    {
        var chat = await app.AssignedConversationAsync();
        await using var agent = await app.ConnectAsync(chat.Agent);
        await using var candidate = await app.ConnectAsync(chat.Candidate);

        (await agent.JoinAsync(chat.Id)).Data.GetProperty("status").GetString().ShouldBe("assigned");
        (await StatusAsync(chat)).ShouldBe("assigned");

        (await candidate.JoinAsync(chat.Id)).Data.GetProperty("status").GetString().ShouldBe("assigned");
        (await StatusAsync(chat)).ShouldBe("assigned");
    }

    [Theory]
    [InlineData("another candidate")]
    [InlineData("an agent of the same supervisor who is not assigned")]
    [InlineData("the supervisor's agent before any assignment")]
    public async Task Someone_who_is_not_a_participant_is_not_allowed_to_join(string who)
    {
        var chat = who == "the supervisor's agent before any assignment" ? await app.OpenConversationAsync() : await app.AssignedConversationAsync();
        var stranger = who switch
        {
            "another candidate" => await app.NewUserAsync("candidate"),
            "an agent of the same supervisor who is not assigned" => await app.NewUserAsync("agent", chat.Supervisor.Id),
            _ => chat.Agent,
        };
        await using var socket = await app.ConnectAsync(stranger);

        await socket.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id });

        await socket.ExpectErrorAsync("Not allowed to access this conversation");
        (await StatusAsync(chat)).ShouldBe("open");
        // The refused socket must not have been put in the room anyway.
        await socket.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "let me in" });
        await socket.ExpectErrorAsync("You must join the conversation first");
    }

    [Theory]
    [InlineData("candidate")]
    [InlineData("agent")]
    public async Task Joining_an_unknown_conversation_is_not_allowed(string role)
    {
        var chat = await app.AssignedConversationAsync();
        await using var socket = await app.ConnectAsync(role == "agent" ? chat.Agent : chat.Candidate);

        await socket.SendAsync("JOIN_CONVERSATION", new { conversationId = ObjectId.NewId().ToString() });

        await socket.ExpectErrorAsync("Not allowed to access this conversation");
    }

    [Fact]
    public async Task Joining_a_closed_conversation_is_refused_as_already_closed()
    {
        var chat = await app.AssignedConversationAsync();
        (await app.PostAsync($"/conversations/{chat.Id}/close", null, chat.Supervisor.Token)).ShouldSucceed();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);

        await candidate.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id });
        await candidate.ExpectErrorAsync("Conversation already closed");
        await agent.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id });
        await agent.ExpectErrorAsync("Conversation already closed");

        (await StatusAsync(chat)).ShouldBe("closed");
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "anyone?" });
        await candidate.ExpectErrorAsync("You must join the conversation first");
    }

    [Fact]
    public async Task A_stranger_joining_a_closed_conversation_is_told_not_allowed_rather_than_closed()
    {
        var chat = await app.AssignedConversationAsync();
        (await app.PostAsync($"/conversations/{chat.Id}/close", null, chat.Supervisor.Token)).ShouldSucceed();
        await using var stranger = await app.ConnectAsync(await app.NewUserAsync("candidate"));

        await stranger.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id });

        await stranger.ExpectErrorAsync("Not allowed to access this conversation");
    }

    [Theory]
    [InlineData("supervisor", """{"conversationId":"%ID%"}""")]
    [InlineData("admin", """{"conversationId":"%ID%"}""")]
    [InlineData("supervisor", """{}""")]
    [InlineData("admin", """{"conversationId":42}""")]
    public async Task Supervisors_and_admins_may_not_join_and_the_role_is_checked_before_the_data(string role, string data)
    {
        var chat = await app.AssignedConversationAsync();
        var user = role == "supervisor" ? chat.Supervisor : await app.NewUserAsync("admin");
        await using var socket = await app.ConnectAsync(user);

        await socket.SendRawAsync($$"""{"event":"JOIN_CONVERSATION","data":{{data.Replace("%ID%", chat.Id)}}}""");

        await socket.ExpectErrorAsync("Forbidden for this role");
        (await StatusAsync(chat)).ShouldBe("open");
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"conversationId":null}""")]
    [InlineData("""{"conversationId":12}""")]
    [InlineData("""{"conversationId":["%ID%"]}""")]
    [InlineData("""{"conversationId":"not-an-id"}""")]
    [InlineData("""{"conversationId":"zzzzzzzzzzzzzzzzzzzzzzzz"}""")]
    [InlineData("""{"conversationId":"%SHORT%"}""")]
    [InlineData("""{"conversationId":"%ID%0"}""")]
    [InlineData("""{"conversation_id":"%ID%"}""")]
    public async Task Malformed_data_is_an_invalid_request_schema_and_the_socket_stays_usable(string data)
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);

        await candidate.SendRawAsync($$"""{"event":"JOIN_CONVERSATION","data":{{data.Replace("%SHORT%", chat.Id[1..]).Replace("%ID%", chat.Id)}}}""");

        await candidate.ExpectErrorAsync("Invalid request schema");
        await candidate.JoinAsync(chat.Id);
    }

    [Fact]
    public async Task An_uppercase_hex_id_joins_the_same_room()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await agent.JoinAsync(chat.Id);

        await candidate.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id.ToUpperInvariant() });

        var joined = await candidate.ExpectAsync("JOINED_CONVERSATION");
        joined.Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);   // ids go out in lowercase
        joined.Data.GetProperty("status").GetString().ShouldBe("assigned");
        await agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "found you" });
        (await candidate.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("found you");
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id.ToUpperInvariant(), content = "and back" });
        var back = await agent.ExpectAsync("NEW_MESSAGE");
        back.Data.GetProperty("content").GetString().ShouldBe("and back");
        back.Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
    }

    [Fact]
    public async Task Joining_twice_is_answered_twice_and_each_message_still_arrives_once()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);

        (await candidate.JoinAsync(chat.Id)).Data.GetProperty("status").GetString().ShouldBe("open");
        (await candidate.JoinAsync(chat.Id)).Data.GetProperty("status").GetString().ShouldBe("open");
        (await agent.JoinAsync(chat.Id)).Data.GetProperty("status").GetString().ShouldBe("assigned");
        (await agent.JoinAsync(chat.Id)).Data.GetProperty("status").GetString().ShouldBe("assigned");

        await agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "once" });
        (await candidate.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("once");
        await candidate.ShouldReceiveNothingAsync();
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "only once" });
        (await agent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("only once");
        await agent.ShouldReceiveNothingAsync();

        var messages = (await app.GetAsync($"/conversations/{chat.Id}", chat.Candidate.Token)).ShouldSucceed().GetProperty("messages");
        messages.GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task Reassignment_removes_the_previous_agents_sockets_from_the_room_at_once()
    {
        var chat = await app.AssignedConversationAsync();
        var newAgent = await app.NewUserAsync("agent", chat.Supervisor.Id);
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var oldTab1 = await app.ConnectAsync(chat.Agent);
        await using var oldTab2 = await app.ConnectAsync(chat.Agent);
        await using var replacement = await app.ConnectAsync(newAgent);
        await candidate.JoinAsync(chat.Id);
        await oldTab1.JoinAsync(chat.Id);
        await oldTab2.JoinAsync(chat.Id);

        (await app.PostAsync($"/conversations/{chat.Id}/assign", new { agentId = newAgent.Id }, chat.Supervisor.Token)).ShouldSucceed();

        // No waiting here: "at once" means the very next frame after the 200 already finds him outside.
        await oldTab1.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "still here?" });
        await oldTab1.ExpectErrorAsync("You must join the conversation first");
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "hello new agent" });
        await oldTab2.ShouldReceiveNothingAsync();
        await oldTab2.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id });
        await oldTab2.ExpectErrorAsync("Not allowed to access this conversation");
        await candidate.ShouldReceiveNothingAsync();

        (await replacement.JoinAsync(chat.Id)).Data.GetProperty("status").GetString().ShouldBe("assigned");
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "are you there?" });
        (await replacement.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("are you there?");
        await replacement.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "yes" });
        var answer = await candidate.ExpectAsync("NEW_MESSAGE");
        answer.Data.GetProperty("senderId").GetString().ShouldBe(newAgent.Id);
        answer.Data.GetProperty("content").GetString().ShouldBe("yes");
        await oldTab1.ShouldReceiveNothingAsync();
        await oldTab2.ShouldReceiveNothingAsync();

        var transcript = (await app.GetAsync($"/conversations/{chat.Id}", newAgent.Token)).ShouldSucceed().GetProperty("messages")
            .EnumerateArray().Select(m => m.GetProperty("content").GetString()).ToList();
        transcript.ShouldBe(["hello new agent", "are you there?", "yes"]);
    }

    [Fact]
    public async Task Reassigning_the_same_agent_keeps_his_sockets_in_the_room()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);

        (await app.PostAsync($"/conversations/{chat.Id}/assign", new { agentId = chat.Agent.Id }, chat.Supervisor.Token)).ShouldSucceed();

        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "still with me?" });
        (await agent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("still with me?");
        await agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "yes" });
        (await candidate.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("yes");
        (await StatusAsync(chat)).ShouldBe("assigned");
    }

    [Fact]
    public async Task Agent_join_racing_a_supervisor_close_has_exactly_one_winner()
    {
        for (var round = 0; round < 10; round++)
        {
            var chat = await app.AssignedConversationAsync();
            await using var candidate = await app.ConnectAsync(chat.Candidate);
            await using var agent = await app.ConnectAsync(chat.Agent);
            await candidate.JoinAsync(chat.Id);

            // Alternate who sets off first so that both outcomes come up; which one wins is left to the race.
            Task<ApiResponse> closing;
            if (round % 2 == 0)
            {
                var joining = agent.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id });
                closing = app.PostAsync($"/conversations/{chat.Id}/close", null, chat.Supervisor.Token);
                await joining;
            }
            else
            {
                closing = app.PostAsync($"/conversations/{chat.Id}/close", null, chat.Supervisor.Token);
                await agent.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id });
            }
            var close = await closing;
            var agentFrames = await agent.ReceiveUntilQuietAsync();
            var candidateFrames = await candidate.ReceiveUntilQuietAsync();
            var status = await StatusInDbAsync(chat.Id);

            var summary = $"round {round}: HTTP {(int)close.Status} {close.Body}; agent got {string.Join(", ", agentFrames.Select(f => $"{f.Event} {f.Data}"))}";
            if (close.Status == HttpStatusCode.OK)
            {
                close.Data.GetProperty("status").GetString().ShouldBe("closed", summary);
                status.ShouldBe("closed", summary);
                var events = agentFrames.Select(f => f.Event).ToList();
                if (events is ["ERROR"]) agentFrames[0].Message.ShouldBe("Conversation already closed", summary);
                else events.ShouldBe(["JOINED_CONVERSATION", "CONVERSATION_CLOSED"], summary);
                candidateFrames.Select(f => f.Event).ShouldBe(["CONVERSATION_CLOSED"], summary);
                // Whatever the join saw, its socket must not be left behind in a room that no longer exists.
                await agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "too late" });
                await agent.ExpectErrorAsync("You must join the conversation first");
            }
            else
            {
                close.ShouldFail(HttpStatusCode.BadRequest, "Conversation is not open");
                status.ShouldBe("assigned", summary);
                agentFrames.Count.ShouldBe(1, summary);
                agentFrames[0].Event.ShouldBe("JOINED_CONVERSATION", summary);
                agentFrames[0].Data.GetProperty("status").GetString().ShouldBe("assigned", summary);
                candidateFrames.ShouldBeEmpty(summary);
                await agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "I won" });
                (await candidate.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("I won");
            }
        }
    }

    async Task<string?> StatusAsync(TestChat chat) =>
        (await app.GetAsync($"/conversations/{chat.Id}", chat.Supervisor.Token)).ShouldSucceed().GetProperty("status").GetString();

    Task<string> StatusInDbAsync(string id)
    {
        var conversationId = ObjectId.Parse(id);
        return app.WithDbAsync(db => db.Conversations.Where(c => c.Id == conversationId).Select(c => c.Status).SingleAsync());
    }
}
