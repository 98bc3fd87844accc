using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Common;
using SupportChat.Realtime;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>
/// SUBSCRIBE and the notifications (CONTRACT.md Part 2 "WebSocket additions"): each kind reaches the subscribed sockets
/// of exactly the users allowed to see the conversation, once per change; never a socket that did not subscribe.
/// </summary>
public sealed class NotificationsTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Subscribe_is_answered_with_the_user_and_role_also_when_repeated_and_extra_data_is_ignored()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        await using var socket = await app.ConnectAsync(supervisor);

        await socket.SendAsync("SUBSCRIBE", new { anything = 1 });
        var subscribed = await socket.ExpectAsync("SUBSCRIBED");
        subscribed.Data.GetProperty("userId").GetString().ShouldBe(supervisor.Id);
        subscribed.Data.GetProperty("role").GetString().ShouldBe("supervisor");
        await socket.SubscribeAsync(supervisor);

        var candidate = await app.NewUserAsync("candidate");
        await CreateAsync(candidate, supervisor);
        await socket.ExpectAsync("CONVERSATION_CREATED");
        await socket.ShouldReceiveNothingAsync();   // subscribed twice, told once
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("supervisor")]
    [InlineData("agent")]
    [InlineData("candidate")]
    public async Task Every_role_may_subscribe(string role)
    {
        var user = await app.NewUserInRoleAsync(role);
        await using var socket = await app.SubscribedAsync(user);
    }

    [Fact]
    public async Task Created_reaches_the_supervisor_and_every_admin_once_and_nobody_else()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var candidate = await app.NewUserAsync("candidate");
        var secondAdmin = await app.NewUserAsync("admin");
        await using var supervisorTab1 = await app.SubscribedAsync(supervisor);
        await using var supervisorTab2 = await app.SubscribedAsync(supervisor);
        await using var admin = await app.SubscribedAsync(app.Admin.User);
        await using var admin2 = await app.SubscribedAsync(secondAdmin);
        await using var supervisorNotSubscribed = await app.ConnectAsync(supervisor);
        await using var adminNotSubscribed = await app.ConnectAsync(app.Admin.User);
        await using var otherSupervisor = await app.SubscribedAsync(await app.NewUserAsync("supervisor"));
        await using var agentSocket = await app.SubscribedAsync(agent);
        await using var candidateSocket = await app.SubscribedAsync(candidate);

        var id = await CreateAsync(candidate, supervisor);

        foreach (var socket in new[] { supervisorTab1, supervisorTab2, admin, admin2 })
            await ShouldBeTheConversationAsync(await socket.ExpectAsync("CONVERSATION_CREATED"), id, status: "open");
        await NothingMoreAsync(supervisorTab1, supervisorTab2, admin, admin2, supervisorNotSubscribed, adminNotSubscribed, otherSupervisor,
            agentSocket, candidateSocket);
    }

    [Fact]
    public async Task Assigning_tells_the_agent_assigned_and_everyone_who_may_see_it_updated()
    {
        var chat = await app.OpenConversationAsync();
        var colleague = await app.NewUserAsync("agent", chat.Supervisor.Id);
        await using var agent = await app.SubscribedAsync(chat.Agent);
        await using var agentNotSubscribed = await app.ConnectAsync(chat.Agent);
        await using var candidate = await app.SubscribedAsync(chat.Candidate);
        await using var supervisor = await app.SubscribedAsync(chat.Supervisor);
        await using var admin = await app.SubscribedAsync(app.Admin.User);
        await using var colleagueSocket = await app.SubscribedAsync(colleague);
        await using var otherSupervisor = await app.SubscribedAsync(await app.NewUserAsync("supervisor"));

        await AssignAsync(chat, chat.Agent);

        var assigned = await agent.ExpectAsync("CONVERSATION_ASSIGNED");
        await ShouldBeTheConversationAsync(assigned, chat.Id, status: "open", agentId: chat.Agent.Id);
        foreach (var socket in new[] { agent, candidate, supervisor, admin })
            await ShouldBeTheConversationAsync(await socket.ExpectAsync("CONVERSATION_UPDATED"), chat.Id, status: "open", agentId: chat.Agent.Id);
        await NothingMoreAsync(agent, agentNotSubscribed, candidate, supervisor, admin, colleagueSocket, otherSupervisor);

        await AssignAsync(chat, chat.Agent);   // the agent it already has: nothing changes, nobody is told
        await NothingMoreAsync(agent, candidate, supervisor, admin);
    }

    [Fact]
    public async Task Reassigning_tells_the_new_agent_assigned_and_updated_and_the_previous_one_only_unassigned()
    {
        var chat = await app.AssignedConversationAsync();
        var newAgent = await app.NewUserAsync("agent", chat.Supervisor.Id);
        await using var previous = await app.SubscribedAsync(chat.Agent);
        await previous.JoinAsync(chat.Id);
        await previous.ExpectAsync("CONVERSATION_UPDATED");   // its join moved the conversation to assigned
        await using var next = await app.SubscribedAsync(newAgent);
        await using var candidate = await app.SubscribedAsync(chat.Candidate);
        await using var supervisor = await app.SubscribedAsync(chat.Supervisor);
        await using var admin = await app.SubscribedAsync(app.Admin.User);

        await AssignAsync(chat, newAgent);

        var unassigned = await previous.ExpectAsync("CONVERSATION_UNASSIGNED");
        unassigned.Data.EnumerateObject().Select(p => p.Name).ShouldBe(["conversationId"]);
        unassigned.Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
        await ShouldBeTheConversationAsync(await next.ExpectAsync("CONVERSATION_ASSIGNED"), chat.Id, status: "assigned", agentId: newAgent.Id);
        foreach (var socket in new[] { next, candidate, supervisor, admin })
            await ShouldBeTheConversationAsync(await socket.ExpectAsync("CONVERSATION_UPDATED"), chat.Id, status: "assigned", agentId: newAgent.Id);
        await NothingMoreAsync(previous, next, candidate, supervisor, admin);
    }

    [Fact]
    public async Task The_agents_first_join_tells_everyone_who_may_see_it_and_the_joiner_hears_joined_first()
    {
        var chat = await app.AssignedConversationAsync();
        await using var joiner = await app.SubscribedAsync(chat.Agent);
        await using var agentOtherTab = await app.SubscribedAsync(chat.Agent);
        await using var candidate = await app.SubscribedAsync(chat.Candidate);
        await using var supervisor = await app.SubscribedAsync(chat.Supervisor);
        await using var admin = await app.SubscribedAsync(app.Admin.User);
        await using var otherSupervisor = await app.SubscribedAsync(await app.NewUserAsync("supervisor"));

        (await joiner.JoinAsync(chat.Id)).Data.GetProperty("status").GetString().ShouldBe("assigned");

        foreach (var socket in new[] { joiner, agentOtherTab, candidate, supervisor, admin })
            await ShouldBeTheConversationAsync(await socket.ExpectAsync("CONVERSATION_UPDATED"), chat.Id, status: "assigned", agentId: chat.Agent.Id);
        await NothingMoreAsync(joiner, agentOtherTab, candidate, supervisor, admin, otherSupervisor);

        // Joins that change nothing tell nobody.
        await agentOtherTab.JoinAsync(chat.Id);
        await candidate.JoinAsync(chat.Id);
        await NothingMoreAsync(joiner, agentOtherTab, candidate, supervisor, admin);
    }

    [Fact]
    public async Task A_close_over_the_socket_tells_everyone_who_may_see_it_the_closer_included_after_the_room()
    {
        await using var chat = await app.JoinedChatAsync();
        await chat.Candidate.SubscribeAsync(chat.Chat.Candidate);
        await chat.Agent.SubscribeAsync(chat.Chat.Agent);
        await using var supervisor = await app.SubscribedAsync(chat.Chat.Supervisor);
        await using var admin = await app.SubscribedAsync(app.Admin.User);

        await chat.Agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });

        await chat.Candidate.ExpectAsync("CONVERSATION_CLOSED");
        foreach (var socket in new[] { chat.Candidate, chat.Agent, supervisor, admin })
            await ShouldBeTheConversationAsync(await socket.ExpectAsync("CONVERSATION_UPDATED"), chat.Id, status: "closed", agentId: chat.Chat.Agent.Id);
        await NothingMoreAsync(chat.Candidate, chat.Agent, supervisor, admin);
    }

    [Fact]
    public async Task A_close_over_http_tells_everyone_who_may_see_it_and_a_refused_one_tells_nobody()
    {
        var chat = await app.AssignedConversationAsync();   // assigned, not joined: still open
        await using var agent = await app.SubscribedAsync(chat.Agent);
        await using var candidate = await app.SubscribedAsync(chat.Candidate);
        await using var supervisor = await app.SubscribedAsync(chat.Supervisor);
        await using var admin = await app.SubscribedAsync(app.Admin.User);
        await using var otherSupervisor = await app.SubscribedAsync(await app.NewUserAsync("supervisor"));

        (await app.PostAsync($"/conversations/{chat.Id}/close", null, app.Admin.Token)).ShouldSucceed();

        foreach (var socket in new[] { agent, candidate, supervisor, admin })
            await ShouldBeTheConversationAsync(await socket.ExpectAsync("CONVERSATION_UPDATED"), chat.Id, status: "closed", agentId: chat.Agent.Id);
        await NothingMoreAsync(agent, candidate, supervisor, admin, otherSupervisor);

        (await app.PostAsync($"/conversations/{chat.Id}/close", null, chat.Supervisor.Token)).ShouldFail(HttpStatusCode.BadRequest, "Conversation is not open");
        (await app.PostAsync($"/conversations/{chat.Id}/assign", new { agentId = chat.Agent.Id }, chat.Supervisor.Token))
            .ShouldFail(HttpStatusCode.Forbidden, "cannot assign agent");
        await NothingMoreAsync(agent, candidate, supervisor, admin);
    }

    [Fact]
    public async Task Refused_changes_tell_nobody()
    {
        var chat = await app.OpenConversationAsync();
        var otherSupervisor = await app.NewUserAsync("supervisor");
        await using var supervisor = await app.SubscribedAsync(chat.Supervisor);
        await using var admin = await app.SubscribedAsync(app.Admin.User);
        await using var agent = await app.SubscribedAsync(chat.Agent);

        (await app.PostAsync("/conversations", new { supervisorId = chat.Supervisor.Id }, chat.Candidate.Token))
            .ShouldFail(HttpStatusCode.Conflict, "Candidate already has an active conversation");
        (await app.PostAsync($"/conversations/{chat.Id}/assign", new { agentId = chat.Agent.Id }, otherSupervisor.Token))
            .ShouldFail(HttpStatusCode.Forbidden, "cannot assign agent");
        await agent.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id });
        await agent.ExpectErrorAsync("Not allowed to access this conversation");

        await NothingMoreAsync(supervisor, admin, agent);
    }

    [Fact]
    public async Task A_disconnected_socket_is_forgotten()
    {
        var notifications = app.Services.GetRequiredService<Notifications>();
        var user = await app.NewUserAsync("supervisor");
        var userId = ObjectId.Parse(user.Id);

        await using (var socket = await app.SubscribedAsync(user))
        await using (var other = await app.SubscribedAsync(user))
            notifications.SubscribedSocketsOf(userId).ShouldBe(2);

        var deadline = DateTime.UtcNow + TestSocket.FrameTimeout;
        while (notifications.SubscribedSocketsOf(userId) != 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        notifications.SubscribedSocketsOf(userId).ShouldBe(0);
    }

    [Fact]
    public async Task A_socket_that_never_subscribes_sees_only_part_1_frames_through_a_whole_journey()
    {
        var (supervisorUser, agentUser) = await app.NewTeamAsync();
        var candidateUser = await app.NewUserAsync("candidate");
        await using var candidate = await app.ConnectAsync(candidateUser);
        await using var agent = await app.ConnectAsync(agentUser);
        await using var supervisor = await app.ConnectAsync(supervisorUser);
        await using var admin = await app.ConnectAsync(app.Admin.User);
        // The control: notifications do go out meanwhile, to the one socket that asked.
        await using var watcher = await app.SubscribedAsync(app.Admin.User);

        var id = await CreateAsync(candidateUser, supervisorUser);
        await watcher.ExpectAsync("CONVERSATION_CREATED");
        (await app.PostAsync($"/conversations/{id}/assign", new { agentId = agentUser.Id }, supervisorUser.Token)).ShouldSucceed();
        await watcher.ExpectAsync("CONVERSATION_UPDATED");
        await candidate.JoinAsync(id);
        await agent.JoinAsync(id);
        await watcher.ExpectAsync("CONVERSATION_UPDATED");
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = id, content = "hello" });
        await agent.ExpectAsync("NEW_MESSAGE");
        await agent.SendAsync("SEND_MESSAGE", new { conversationId = id, content = "hi, how can I help?" });
        await candidate.ExpectAsync("NEW_MESSAGE");
        await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = id });
        await candidate.ExpectAsync("CONVERSATION_CLOSED");
        await watcher.ExpectAsync("CONVERSATION_UPDATED");

        await NothingMoreAsync(candidate, agent, supervisor, admin, watcher);
    }

    async Task<string> CreateAsync(TestUser candidate, TestUser supervisor) =>
        (await app.PostAsync("/conversations", new { supervisorId = supervisor.Id }, candidate.Token))
            .ShouldSucceed(HttpStatusCode.Created).GetProperty("_id").GetString()!;

    async Task AssignAsync(TestChat chat, TestUser agent) =>
        (await app.PostAsync($"/conversations/{chat.Id}/assign", new { agentId = agent.Id }, chat.Supervisor.Token)).ShouldSucceed();

    /// <summary>The notification carries the conversation object: GET /conversations/:id without its messages.</summary>
    async Task ShouldBeTheConversationAsync(SocketFrame frame, string id, string status, string? agentId = null)
    {
        var stored = (await app.GetAsync($"/conversations/{id}", app.Admin.Token)).ShouldSucceed();
        frame.Data.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString())
            .ShouldBe(stored.EnumerateObject().Where(p => p.Name != "messages").ToDictionary(p => p.Name, p => p.Value.ToString()));
        frame.Data.GetProperty("_id").GetString().ShouldBe(id);
        frame.Data.GetProperty("status").GetString().ShouldBe(status);
        frame.Data.GetProperty("agentId").GetString().ShouldBe(agentId);
    }

    static Task NothingMoreAsync(params TestSocket[] sockets) => Task.WhenAll(sockets.Select(s => s.ShouldReceiveNothingAsync()));
}
