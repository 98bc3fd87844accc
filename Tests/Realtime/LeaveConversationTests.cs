using System.Net;
using SupportChat.Common;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

public sealed class LeaveConversationTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Leaving_is_answered_left_conversation_to_the_sender_only()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);

        await candidate.SendAsync("LEAVE_CONVERSATION", new { conversationId = chat.Id });

        var left = await candidate.ExpectAsync("LEFT_CONVERSATION");
        left.Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
        await agent.ShouldReceiveNothingAsync();
        await candidate.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task After_leaving_sending_or_leaving_again_needs_a_join_first()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);
        await candidate.SendAsync("LEAVE_CONVERSATION", new { conversationId = chat.Id });
        await candidate.ExpectAsync("LEFT_CONVERSATION");

        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "from outside" });
        await candidate.ExpectErrorAsync("You must join the conversation first");
        await candidate.SendAsync("LEAVE_CONVERSATION", new { conversationId = chat.Id });
        await candidate.ExpectErrorAsync("You must join the conversation first");

        await agent.ShouldReceiveNothingAsync();
        await agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "gone?" });
        await candidate.ShouldReceiveNothingAsync();
        var transcript = (await app.GetAsync($"/conversations/{chat.Id}", chat.Agent.Token)).ShouldSucceed().GetProperty("messages")
            .EnumerateArray().Select(m => m.GetProperty("content").GetString()).ToList();
        transcript.ShouldBe(["gone?"]);
    }

    [Theory]
    [InlineData("own conversation, never joined")]
    [InlineData("unknown conversation")]
    public async Task Leaving_a_room_the_socket_is_not_in_needs_a_join_first(string which)
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var otherTab = await app.ConnectAsync(chat.Candidate);
        await otherTab.JoinAsync(chat.Id);   // the room exists, just not with this socket in it

        await candidate.SendAsync("LEAVE_CONVERSATION", new { conversationId = which == "unknown conversation" ? ObjectId.NewId().ToString() : chat.Id });

        await candidate.ExpectErrorAsync("You must join the conversation first");
        await otherTab.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task The_live_transcript_stays_after_everyone_left_and_the_room_can_be_rejoined()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "first" });
        await agent.ExpectAsync("NEW_MESSAGE");
        await agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "second" });
        await candidate.ExpectAsync("NEW_MESSAGE");

        foreach (var socket in new[] { candidate, agent })
        {
            await socket.SendAsync("LEAVE_CONVERSATION", new { conversationId = chat.Id });
            await socket.ExpectAsync("LEFT_CONVERSATION");
        }

        var afterLeaving = (await app.GetAsync($"/conversations/{chat.Id}", chat.Candidate.Token)).ShouldSucceed();
        afterLeaving.GetProperty("status").GetString().ShouldBe("assigned");
        afterLeaving.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()).ShouldBe(["first", "second"]);

        (await candidate.JoinAsync(chat.Id)).Data.GetProperty("status").GetString().ShouldBe("assigned");
        (await agent.JoinAsync(chat.Id)).Data.GetProperty("status").GetString().ShouldBe("assigned");
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "third" });
        (await agent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("third");

        var afterRejoining = (await app.GetAsync($"/conversations/{chat.Id}", chat.Agent.Token)).ShouldSucceed();
        afterRejoining.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()).ShouldBe(["first", "second", "third"]);
    }

    [Fact]
    public async Task The_others_in_the_room_keep_chatting_after_one_socket_leaves()
    {
        var chat = await app.AssignedConversationAsync();
        await using var leaving = await app.ConnectAsync(chat.Candidate);
        await using var staying = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        foreach (var socket in new[] { leaving, staying, agent }) await socket.JoinAsync(chat.Id);

        await leaving.SendAsync("LEAVE_CONVERSATION", new { conversationId = chat.Id });
        await leaving.ExpectAsync("LEFT_CONVERSATION");

        await agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "still here" });
        (await staying.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("still here");
        await staying.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "me too" });
        (await agent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("me too");
        await leaving.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task Leaving_one_conversation_keeps_an_agent_in_his_other_rooms()
    {
        var first = await app.AssignedConversationAsync();
        var candidate2 = await app.NewUserAsync("candidate");
        var secondId = (await app.PostAsync("/conversations", new { supervisorId = first.Supervisor.Id }, candidate2.Token))
            .ShouldSucceed(HttpStatusCode.Created).GetProperty("_id").GetString()!;
        (await app.PostAsync($"/conversations/{secondId}/assign", new { agentId = first.Agent.Id }, first.Supervisor.Token)).ShouldSucceed();
        await using var agent = await app.ConnectAsync(first.Agent);
        await using var candidate1 = await app.ConnectAsync(first.Candidate);
        await using var secondCandidate = await app.ConnectAsync(candidate2);
        await agent.JoinAsync(first.Id);
        await agent.JoinAsync(secondId);
        await candidate1.JoinAsync(first.Id);
        await secondCandidate.JoinAsync(secondId);

        await agent.SendAsync("LEAVE_CONVERSATION", new { conversationId = first.Id });
        await agent.ExpectAsync("LEFT_CONVERSATION");

        await secondCandidate.SendAsync("SEND_MESSAGE", new { conversationId = secondId, content = "hello from two" });
        var frame = await agent.ExpectAsync("NEW_MESSAGE");
        frame.Data.GetProperty("conversationId").GetString().ShouldBe(secondId);
        await candidate1.SendAsync("SEND_MESSAGE", new { conversationId = first.Id, content = "hello from one" });
        await agent.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task An_uppercase_hex_id_leaves_the_room_joined_in_lowercase()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await candidate.JoinAsync(chat.Id);

        await candidate.SendAsync("LEAVE_CONVERSATION", new { conversationId = chat.Id.ToUpperInvariant() });

        (await candidate.ExpectAsync("LEFT_CONVERSATION")).Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "out" });
        await candidate.ExpectErrorAsync("You must join the conversation first");
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"conversationId":null}""")]
    [InlineData("""{"conversationId":12}""")]
    [InlineData("""{"conversationId":"not-an-id"}""")]
    [InlineData("""{"conversationId":"zzzzzzzzzzzzzzzzzzzzzzzz"}""")]
    public async Task Malformed_data_is_an_invalid_request_schema_and_the_socket_stays_in_the_room(string data)
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);

        await candidate.SendRawAsync($$"""{"event":"LEAVE_CONVERSATION","data":{{data}}}""");

        await candidate.ExpectErrorAsync("Invalid request schema");
        await agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "still joined?" });
        (await candidate.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("still joined?");
    }

    [Theory]
    [InlineData("supervisor")]
    [InlineData("admin")]
    public async Task Supervisors_and_admins_may_not_leave(string role)
    {
        var chat = await app.AssignedConversationAsync();
        var user = role == "supervisor" ? chat.Supervisor : await app.NewUserAsync("admin");
        await using var socket = await app.ConnectAsync(user);

        await socket.SendAsync("LEAVE_CONVERSATION", new { conversationId = chat.Id });
        await socket.ExpectErrorAsync("Forbidden for this role");
        await socket.SendRawAsync("""{"event":"LEAVE_CONVERSATION","data":{}}""");
        await socket.ExpectErrorAsync("Forbidden for this role");
    }
}
