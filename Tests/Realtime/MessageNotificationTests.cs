using System.Net;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>
/// MESSAGE_NOTIFICATION (CONTRACT.md Part 2 "WebSocket additions"): to the candidate and the assigned agent, for a message of
/// the other side, on their subscribed sockets that are not in the room; for WebSocket and HTTP sends alike.
/// </summary>
public sealed class MessageNotificationTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task An_agents_message_notifies_the_candidates_subscribed_sockets_outside_the_room_and_nobody_else()
    {
        await using var chat = await app.JoinedChatAsync();
        await using var candidateOutside = await app.SubscribedAsync(chat.Chat.Candidate);
        await using var candidateInside = await app.SubscribedAsync(chat.Chat.Candidate);
        await candidateInside.JoinAsync(chat.Id);
        await using var candidateNotSubscribed = await app.ConnectAsync(chat.Chat.Candidate);
        await using var agentOutside = await app.SubscribedAsync(chat.Chat.Agent);
        await using var supervisor = await app.SubscribedAsync(chat.Chat.Supervisor);
        await using var admin = await app.SubscribedAsync(app.Admin.User);
        var content = "Ünïcode " + new string('x', 150);

        await chat.Agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content });

        var delivered = await chat.Candidate.ExpectAsync("NEW_MESSAGE");
        var notification = await candidateOutside.ExpectAsync("MESSAGE_NOTIFICATION");
        notification.Data.EnumerateObject().Select(p => p.Name).ShouldBe(["conversationId", "seq", "senderId", "senderRole", "preview", "createdAt"]);
        notification.Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
        notification.Data.GetProperty("seq").GetInt32().ShouldBe(1);
        notification.Data.GetProperty("senderId").GetString().ShouldBe(chat.Chat.Agent.Id);
        notification.Data.GetProperty("senderRole").GetString().ShouldBe("agent");
        notification.Data.GetProperty("preview").GetString().ShouldBe(content[..100]);   // 100 UTF-16 code units
        notification.Data.GetProperty("createdAt").GetString().ShouldBe(delivered.Data.GetProperty("createdAt").GetString());
        await candidateInside.ExpectAsync("NEW_MESSAGE");   // in the room: the message itself, no notification
        foreach (var socket in new[] { candidateOutside, candidateInside, candidateNotSubscribed, agentOutside, supervisor, admin, chat.Agent })
            await socket.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task A_candidates_message_sent_over_http_notifies_the_assigned_agents_subscribed_socket_outside_the_room()
    {
        await using var chat = await app.JoinedChatAsync();
        await using var agentOutside = await app.SubscribedAsync(chat.Chat.Agent);
        await using var candidateOutside = await app.SubscribedAsync(chat.Chat.Candidate);

        var sent = (await app.PostAsync($"/conversations/{chat.Id}/messages", new { content = "over http" }, chat.Chat.Candidate.Token))
            .ShouldSucceed(HttpStatusCode.Created);

        var notification = await agentOutside.ExpectAsync("MESSAGE_NOTIFICATION");
        notification.Data.GetProperty("preview").GetString().ShouldBe("over http");
        notification.Data.GetProperty("seq").GetInt32().ShouldBe(sent.GetProperty("seq").GetInt32());
        notification.Data.GetProperty("senderRole").GetString().ShouldBe("candidate");
        await agentOutside.ShouldReceiveNothingAsync();
        await candidateOutside.ShouldReceiveNothingAsync();   // its own side's message
    }

    [Fact]
    public async Task After_a_reassignment_the_new_agent_is_notified_and_the_previous_one_no_more()
    {
        await using var chat = await app.JoinedChatAsync();
        var newAgent = await app.NewUserAsync("agent", chat.Chat.Supervisor.Id);
        await using var previous = await app.SubscribedAsync(chat.Chat.Agent);
        await using var next = await app.SubscribedAsync(newAgent);
        (await app.PostAsync($"/conversations/{chat.Id}/assign", new { agentId = newAgent.Id }, chat.Chat.Supervisor.Token)).ShouldSucceed();
        await previous.ExpectAsync("CONVERSATION_UNASSIGNED");
        await next.ExpectAsync("CONVERSATION_ASSIGNED");
        await next.ExpectAsync("CONVERSATION_UPDATED");

        await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "anyone?" });

        (await next.ExpectAsync("MESSAGE_NOTIFICATION")).Data.GetProperty("preview").GetString().ShouldBe("anyone?");
        await previous.ShouldReceiveNothingAsync();
        await next.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task A_repeated_client_message_id_notifies_once()
    {
        await using var chat = await app.JoinedChatAsync();
        await using var agentOutside = await app.SubscribedAsync(chat.Chat.Agent);

        for (var i = 0; i < 2; i++)
        {
            await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "once", clientMessageId = "n-1" });
            await chat.Candidate.ExpectAsync("MESSAGE_ACCEPTED");
        }

        await agentOutside.ExpectAsync("MESSAGE_NOTIFICATION");
        await agentOutside.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task Part_1_sockets_see_no_new_frame_kinds_while_others_use_every_addition()
    {
        await using var chat = await app.JoinedChatAsync();   // both Part 1 clients: JOIN and SEND only
        await using var agentSubscribed = await app.SubscribedAsync(chat.Chat.Agent);
        await using var candidateResuming = await app.ConnectAsync(chat.Chat.Candidate);
        await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "part 1" });
        await chat.Agent.ExpectAsync("NEW_MESSAGE");
        await agentSubscribed.ExpectAsync("MESSAGE_NOTIFICATION");

        await candidateResuming.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id, sinceSeq = 0 });
        await candidateResuming.ExpectAsync("JOINED_CONVERSATION");
        await candidateResuming.ExpectAsync("NEW_MESSAGE");
        await candidateResuming.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "part 2", clientMessageId = "p2" });
        await candidateResuming.ExpectAsync("MESSAGE_ACCEPTED");
        await agentSubscribed.ExpectAsync("MESSAGE_NOTIFICATION");
        await chat.Agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "answer" });

        var agentFrames = await chat.Agent.ReceiveUntilQuietAsync();
        var candidateFrames = await chat.Candidate.ReceiveUntilQuietAsync();
        agentFrames.Select(f => (f.Event, f.Data.GetProperty("content").GetString())).ShouldBe([("NEW_MESSAGE", "part 2")]);
        candidateFrames.Select(f => (f.Event, f.Data.GetProperty("content").GetString())).ShouldBe([("NEW_MESSAGE", "part 2"), ("NEW_MESSAGE", "answer")]);
        foreach (var frame in agentFrames.Concat(candidateFrames))
            frame.Data.EnumerateObject().Select(p => p.Name).ShouldBe(["conversationId", "senderId", "senderRole", "content", "createdAt", "seq"]);
    }
}
