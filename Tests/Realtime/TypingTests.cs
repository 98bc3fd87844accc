using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>The app on a clock the tests move, so the 2-second TYPING window is tested without waiting for it.</summary>
public sealed class TypingClockApp : TestApp
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
}

/// <summary>TYPING and USER_TYPING (CONTRACT.md Part 2 "WebSocket additions").</summary>
public sealed class TypingTests(TypingClockApp app) : IClassFixture<TypingClockApp>
{
    [Fact]
    public async Task Typing_reaches_the_subscribed_sockets_of_the_other_users_in_the_room_only()
    {
        await using var chat = await app.JoinedChatAsync();
        await chat.Candidate.SubscribeAsync(chat.Chat.Candidate);
        await chat.Agent.SubscribeAsync(chat.Chat.Agent);
        await using var agentNotSubscribed = await app.ConnectAsync(chat.Chat.Agent);
        await agentNotSubscribed.JoinAsync(chat.Id);
        await using var candidateOtherTab = await app.SubscribedAsync(chat.Chat.Candidate);
        await candidateOtherTab.JoinAsync(chat.Id);
        await using var agentOutside = await app.SubscribedAsync(chat.Chat.Agent);   // subscribed, but not in the room
        await using var supervisor = await app.SubscribedAsync(chat.Chat.Supervisor);

        await chat.Candidate.SendAsync("TYPING", new { conversationId = chat.Id });

        var typing = await chat.Agent.ExpectAsync("USER_TYPING");
        typing.Data.EnumerateObject().Select(p => p.Name).ShouldBe(["conversationId", "userId", "role"]);
        typing.Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
        typing.Data.GetProperty("userId").GetString().ShouldBe(chat.Chat.Candidate.Id);
        typing.Data.GetProperty("role").GetString().ShouldBe("candidate");
        await Task.WhenAll(new[] { chat.Candidate, chat.Agent, agentNotSubscribed, candidateOtherTab, agentOutside, supervisor }
            .Select(s => s.ShouldReceiveNothingAsync()));
    }

    [Fact]
    public async Task One_typing_per_user_and_conversation_is_relayed_every_two_seconds_the_rest_are_dropped_silently()
    {
        await using var chat = await app.JoinedChatAsync();
        await chat.Agent.SubscribeAsync(chat.Chat.Agent);
        await chat.Candidate.SubscribeAsync(chat.Chat.Candidate);
        await using var candidateOtherTab = await app.ConnectAsync(chat.Chat.Candidate);
        await candidateOtherTab.JoinAsync(chat.Id);

        await chat.Candidate.SendAsync("TYPING", new { conversationId = chat.Id });
        await chat.Agent.ExpectAsync("USER_TYPING");   // relayed: the candidate's window starts now
        await chat.Candidate.SendAsync("TYPING", new { conversationId = chat.Id });
        await candidateOtherTab.SendAsync("TYPING", new { conversationId = chat.Id });   // the window is the user's, not the socket's
        app.Clock.Advance(TimeSpan.FromMilliseconds(1999));
        await chat.Candidate.SendAsync("TYPING", new { conversationId = chat.Id });
        // Markers: a socket's frames are handled in order, so once the agent has both, every TYPING above was decided.
        await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "marker a" });
        await candidateOtherTab.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "marker b" });

        var markers = new[] { await chat.Agent.ExpectAsync("NEW_MESSAGE"), await chat.Agent.ExpectAsync("NEW_MESSAGE") };
        markers.Select(m => m.Data.GetProperty("content").GetString()).Order().ShouldBe(["marker a", "marker b"]);
        await chat.Agent.ShouldReceiveNothingAsync();
        await chat.Candidate.ExpectAsync("NEW_MESSAGE");   // marker b, from the other tab; no error for the dropped ones

        await chat.Agent.SendAsync("TYPING", new { conversationId = chat.Id });   // another user has a window of their own
        (await chat.Candidate.ExpectAsync("USER_TYPING")).Data.GetProperty("userId").GetString().ShouldBe(chat.Chat.Agent.Id);

        app.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await chat.Candidate.SendAsync("TYPING", new { conversationId = chat.Id });
        (await chat.Agent.ExpectAsync("USER_TYPING")).Data.GetProperty("userId").GetString().ShouldBe(chat.Chat.Candidate.Id);
        await chat.Agent.ShouldReceiveNothingAsync();
        await chat.Candidate.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task Typing_outside_the_room_is_join_first()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await agent.JoinAsync(chat.Id);
        await candidate.SubscribeAsync(chat.Candidate);
        await agent.SubscribeAsync(chat.Agent);

        await candidate.SendAsync("TYPING", new { conversationId = chat.Id });
        await candidate.ExpectErrorAsync("You must join the conversation first");

        await candidate.JoinAsync(chat.Id);
        await candidate.SendAsync("LEAVE_CONVERSATION", new { conversationId = chat.Id });
        await candidate.ExpectAsync("LEFT_CONVERSATION");
        await candidate.SendAsync("TYPING", new { conversationId = chat.Id });
        await candidate.ExpectErrorAsync("You must join the conversation first");

        await candidate.SendAsync("TYPING", new { conversationId = "000000000000000000000000" });
        await candidate.ExpectErrorAsync("You must join the conversation first");
        await agent.ShouldReceiveNothingAsync();
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"conversationId":"not-an-id"}""")]
    [InlineData("""{"conversationId":42}""")]
    [InlineData("""{"conversationId":null}""")]
    public async Task Malformed_typing_data_is_invalid_request_schema(string data)
    {
        await using var chat = await app.JoinedChatAsync();

        await chat.Candidate.SendRawAsync($$"""{"event":"TYPING","data":{{data}}}""");

        await chat.Candidate.ExpectErrorAsync("Invalid request schema");
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("supervisor")]
    public async Task Typing_is_for_candidates_and_agents(string role)
    {
        await using var socket = await app.ConnectAsync(await app.NewUserInRoleAsync(role));

        await socket.SendAsync("TYPING", new { conversationId = "000000000000000000000000" });

        await socket.ExpectErrorAsync("Forbidden for this role");
    }
}
