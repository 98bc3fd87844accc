using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Common;
using SupportChat.Realtime;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.CloseConversation;

public sealed class CloseConversationTests(TestApp app) : IClassFixture<TestApp>
{
    Task<ApiResponse> CloseAsync(string id, string? token) => app.PostAsync($"/conversations/{id}/close", null, token);

    [Fact]
    public async Task Admin_closes_any_open_conversation()
    {
        var conversation = await app.NewConversationAsync();
        var admin = await app.NewUserAsync("admin");

        var data = (await CloseAsync(conversation.Id, admin.Token)).ShouldSucceed();

        data.EnumerateObject().Select(p => p.Name).ShouldBe(["conversationId", "status"], ignoreOrder: true);
        data.GetProperty("conversationId").GetString().ShouldBe(conversation.Id);
        data.GetProperty("status").GetString().ShouldBe("closed");
    }

    [Fact]
    public async Task Supervisor_closes_their_own_conversation()
    {
        var conversation = await app.NewConversationAsync();

        var data = (await CloseAsync(conversation.Id, conversation.Supervisor.Token)).ShouldSucceed();

        data.GetProperty("conversationId").GetString().ShouldBe(conversation.Id);
        data.GetProperty("status").GetString().ShouldBe("closed");
    }

    [Fact]
    public async Task An_empty_json_body_is_accepted()
    {
        var conversation = await app.NewConversationAsync();
        (await app.PostRawAsync($"/conversations/{conversation.Id}/close", "{}", conversation.Supervisor.Token))
            .ShouldSucceed().GetProperty("status").GetString().ShouldBe("closed");
    }

    [Fact]
    public async Task An_open_conversation_with_an_agent_assigned_can_be_closed()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync(supervisor);
        await app.AssignAgentAsync(conversation, agent);

        (await CloseAsync(conversation.Id, supervisor.Token)).ShouldSucceed();

        var data = (await app.GetAsync($"/conversations/{conversation.Id}", agent.Token)).ShouldSucceed();
        data.GetProperty("status").GetString().ShouldBe("closed");
        data.GetProperty("agentId").GetString().ShouldBe(agent.Id);
    }

    [Fact]
    public async Task An_uppercase_path_id_is_matched_case_insensitively()
    {
        var conversation = await app.NewConversationAsync();
        (await CloseAsync(conversation.Id.ToUpperInvariant(), conversation.Supervisor.Token))
            .ShouldSucceed().GetProperty("conversationId").GetString().ShouldBe(conversation.Id);
    }

    [Fact]
    public async Task After_closing_the_conversation_reads_as_closed_and_the_candidate_may_open_a_new_one()
    {
        var conversation = await app.NewConversationAsync();

        (await CloseAsync(conversation.Id, conversation.Supervisor.Token)).ShouldSucceed();

        (await app.GetAsync($"/conversations/{conversation.Id}", conversation.Candidate.Token)).ShouldSucceed().GetProperty("status").GetString().ShouldBe("closed");
        var id = ObjectId.Parse(conversation.Id);
        (await app.WithDbAsync(db => db.Conversations.Where(c => c.Id == id).Select(c => c.ClosedAt).SingleAsync())).ShouldNotBeNull();
        (await app.PostAsync("/conversations", new { supervisorId = conversation.Supervisor.Id }, conversation.Candidate.Token))
            .ShouldSucceed(HttpStatusCode.Created).GetProperty("_id").GetString().ShouldNotBe(conversation.Id);
    }

    [Fact]
    public async Task Closing_leaves_no_room_or_transcript_in_memory()
    {
        var conversation = await app.NewConversationAsync();
        var rooms = app.Services.GetRequiredService<RoomStore>();

        (await CloseAsync(conversation.Id, conversation.Supervisor.Token)).ShouldSucceed();

        // No test in this class opens a socket, so any room left over is a leak.
        rooms.Census().ShouldBe((0, 0));
        rooms.Transcript(ObjectId.Parse(conversation.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Another_supervisor_is_403_not_allowed()
    {
        var conversation = await app.NewConversationAsync();
        var other = await app.NewUserAsync("supervisor");

        (await CloseAsync(conversation.Id, other.Token)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
        (await app.GetAsync($"/conversations/{conversation.Id}", conversation.Candidate.Token)).ShouldSucceed().GetProperty("status").GetString().ShouldBe("open");
    }

    [Fact]
    public async Task Another_supervisor_is_refused_before_the_status_is_checked()
    {
        var conversation = await app.NewConversationAsync();
        await app.CloseConversationAsync(conversation);
        var other = await app.NewUserAsync("supervisor");

        (await CloseAsync(conversation.Id, other.Token)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
    }

    [Fact]
    public async Task The_assigned_agent_is_403_by_role()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync(supervisor);
        await app.AssignAgentAsync(conversation, agent);

        (await CloseAsync(conversation.Id, agent.Token)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
    }

    [Fact]
    public async Task The_owning_candidate_is_403_by_role()
    {
        var conversation = await app.NewConversationAsync();
        (await CloseAsync(conversation.Id, conversation.Candidate.Token)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
        (await app.GetAsync($"/conversations/{conversation.Id}", conversation.Candidate.Token)).ShouldSucceed().GetProperty("status").GetString().ShouldBe("open");
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("candidate")]
    public async Task Role_is_checked_before_the_path_id(string role)
    {
        var caller = await app.NewUserInRoleAsync(role);
        (await CloseAsync("not-an-id", caller.Token)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
    }

    public static TheoryData<string?> BadTokens => Tokens.Invalid("admin");

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Missing_or_invalid_token_is_401(string? token)
    {
        var conversation = await app.NewConversationAsync();
        (await CloseAsync(conversation.Id, token)).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
        (await app.GetAsync($"/conversations/{conversation.Id}", conversation.Candidate.Token)).ShouldSucceed().GetProperty("status").GetString().ShouldBe("open");
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("0123456789abcdef0123456")]
    [InlineData("0123456789abcdef012345678")]
    [InlineData("0123456789abcdef0123456z")]
    public async Task A_path_id_that_is_not_24_hex_characters_is_400(string id)
    {
        var admin = await app.NewUserAsync("admin");
        (await CloseAsync(id, admin.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    [Fact]
    public async Task Unknown_conversation_is_404()
    {
        var admin = await app.NewUserAsync("admin");
        var supervisor = await app.NewUserAsync("supervisor");
        (await CloseAsync(ObjectId.NewId().ToString(), admin.Token)).ShouldFail(HttpStatusCode.NotFound, "Conversation not found");
        (await CloseAsync(ObjectId.NewId().ToString(), supervisor.Token)).ShouldFail(HttpStatusCode.NotFound, "Conversation not found");
    }

    [Fact]
    public async Task An_already_closed_conversation_is_400()
    {
        var conversation = await app.NewConversationAsync();
        var admin = await app.NewUserAsync("admin");
        await app.CloseConversationAsync(conversation);

        (await CloseAsync(conversation.Id, conversation.Supervisor.Token)).ShouldFail(HttpStatusCode.BadRequest, "Conversation is not open");
        (await CloseAsync(conversation.Id, admin.Token)).ShouldFail(HttpStatusCode.BadRequest, "Conversation is not open");
    }

    [Fact]
    public async Task An_assigned_conversation_is_400_and_stays_assigned()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync(supervisor);
        await app.AssignAgentAsync(conversation, agent);
        await app.SetConversationStatusAsync(conversation.Id, "assigned");
        var admin = await app.NewUserAsync("admin");

        (await CloseAsync(conversation.Id, supervisor.Token)).ShouldFail(HttpStatusCode.BadRequest, "Conversation is not open");
        (await CloseAsync(conversation.Id, admin.Token)).ShouldFail(HttpStatusCode.BadRequest, "Conversation is not open");
        (await app.GetAsync($"/conversations/{conversation.Id}", agent.Token)).ShouldSucceed().GetProperty("status").GetString().ShouldBe("assigned");
    }

    [Fact]
    public async Task Simultaneous_closes_of_one_conversation_give_one_200_and_the_rest_400()
    {
        var conversation = await app.NewConversationAsync();
        var admin = await app.NewUserAsync("admin");

        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => CloseAsync(conversation.Id, i % 2 == 0 ? admin.Token : conversation.Supervisor.Token)));

        attempts.Count(r => r.Status == HttpStatusCode.OK).ShouldBe(1, string.Join('\n', attempts.Select(r => $"{(int)r.Status} {r.Body}")));
        attempts.Where(r => r.Status != HttpStatusCode.OK)
            .ShouldAllBe(r => r.Status == HttpStatusCode.BadRequest && r.Error == "Conversation is not open");
        (await app.GetAsync($"/conversations/{conversation.Id}", admin.Token)).ShouldSucceed().GetProperty("status").GetString().ShouldBe("closed");
    }
}
