using System.Net;
using System.Text.Json;
using SupportChat.Common;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.Assign;

public sealed class AssignTests(TestApp app) : IClassFixture<TestApp>
{
    Task<ApiResponse> AssignAsync(string conversationId, string? agentId, string? token) =>
        app.PostAsync($"/conversations/{conversationId}/assign", new { agentId }, token);

    [Fact]
    public async Task Assign_returns_200_with_conversation_agent_and_supervisor()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync(supervisor);

        var data = (await AssignAsync(conversation.Id, agent.Id, supervisor.Token)).ShouldSucceed();

        data.EnumerateObject().Select(p => p.Name).ShouldBe(["conversationId", "agentId", "supervisorId"], ignoreOrder: true);
        data.GetProperty("conversationId").GetString().ShouldBe(conversation.Id);
        data.GetProperty("agentId").GetString().ShouldBe(agent.Id);
        data.GetProperty("supervisorId").GetString().ShouldBe(supervisor.Id);
    }

    [Fact]
    public async Task Assignment_sets_the_agent_and_leaves_the_status_open()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync(supervisor);

        (await AssignAsync(conversation.Id, agent.Id, supervisor.Token)).ShouldSucceed();

        var data = (await app.GetAsync($"/conversations/{conversation.Id}", supervisor.Token)).ShouldSucceed();
        data.GetProperty("status").GetString().ShouldBe("open");
        data.GetProperty("agentId").GetString().ShouldBe(agent.Id);
    }

    [Fact]
    public async Task Assignment_is_allowed_while_assigned_and_leaves_that_status()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync(supervisor);
        await app.SetConversationStatusAsync(conversation.Id, "assigned");

        (await AssignAsync(conversation.Id, agent.Id, supervisor.Token)).ShouldSucceed();

        (await app.GetAsync($"/conversations/{conversation.Id}", agent.Token)).ShouldSucceed().GetProperty("status").GetString().ShouldBe("assigned");
    }

    [Fact]
    public async Task Ids_in_path_and_body_are_matched_case_insensitively()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync(supervisor);

        var data = (await AssignAsync(conversation.Id.ToUpperInvariant(), agent.Id.ToUpperInvariant(), supervisor.Token)).ShouldSucceed();

        data.GetProperty("conversationId").GetString().ShouldBe(conversation.Id);
        data.GetProperty("agentId").GetString().ShouldBe(agent.Id);
    }

    public static TheoryData<string?> BadTokens => Tokens.Invalid("supervisor");

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Missing_or_invalid_token_is_401(string? token)
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync(supervisor);
        (await AssignAsync(conversation.Id, agent.Id, token)).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("agent")]
    [InlineData("candidate")]
    public async Task Roles_other_than_supervisor_are_403(string role)
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync(supervisor);
        var caller = role switch
        {
            "agent" => agent,
            "candidate" => conversation.Candidate,
            _ => await app.NewUserAsync(role),
        };
        (await AssignAsync(conversation.Id, agent.Id, caller.Token)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
    }

    [Fact]
    public async Task Authentication_and_role_are_checked_before_the_schema()
    {
        var admin = await app.NewUserAsync("admin");
        (await app.PostRawAsync("/conversations/not-an-id/assign", "{}")).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
        (await app.PostRawAsync("/conversations/not-an-id/assign", "{}", admin.Token)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("0123456789abcdef0123456")]
    [InlineData("0123456789abcdef012345678")]
    [InlineData("0123456789abcdef0123456z")]
    public async Task A_path_id_that_is_not_24_hex_characters_is_400(string id)
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        (await AssignAsync(id, agent.Id, supervisor.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    public static TheoryData<string> SchemaViolations => new()
    {
        "{}",
        """{"agentId":null}""",
        """{"agentId":42}""",
        """{"agentId":{"id":"0123456789abcdef01234567"}}""",
        """{"AgentId":"0123456789abcdef01234567"}""",   // names are case-sensitive
        """{"agentId":""",
        "[]",
    };

    [Theory]
    [MemberData(nameof(SchemaViolations))]
    public async Task Missing_or_wrongly_typed_agentId_is_400(string body)
    {
        var conversation = await app.NewConversationAsync();
        (await app.PostRawAsync($"/conversations/{conversation.Id}/assign", body, conversation.Supervisor.Token))
            .ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    [Fact]
    public async Task A_body_without_json_content_type_is_415()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync(supervisor);
        (await app.PostRawAsync($"/conversations/{conversation.Id}/assign", $$"""{"agentId":"{{agent.Id}}"}""", supervisor.Token, "text/plain"))
            .ShouldFail(HttpStatusCode.UnsupportedMediaType, "Content-Type must be application/json");
    }

    [Fact]
    public async Task A_body_without_any_Content_Type_header_is_415()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync(supervisor);
        var body = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes($$"""{"agentId":"{{agent.Id}}"}"""));
        body.Headers.ContentType.ShouldBeNull();
        (await app.SendAsync(HttpMethod.Post, $"/conversations/{conversation.Id}/assign", body, supervisor.Token))
            .ShouldFail(HttpStatusCode.UnsupportedMediaType, "Content-Type must be application/json");
    }

    [Theory]
    [InlineData("\"OTHER\"")]   // another conversation's id, replaced below
    [InlineData("42")]
    [InlineData("\"not-an-id\"")]
    public async Task A_body_id_is_an_unknown_property_and_never_replaces_the_path_id(string bodyId)
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync(supervisor);
        var other = await app.NewConversationAsync(supervisor);
        var body = $$"""{"id":{{bodyId.Replace("OTHER", other.Id)}},"agentId":"{{agent.Id}}"}""";

        (await app.PostRawAsync($"/conversations/{conversation.Id}/assign", body, supervisor.Token))
            .ShouldSucceed().GetProperty("conversationId").GetString().ShouldBe(conversation.Id);
        (await app.GetAsync($"/conversations/{conversation.Id}", supervisor.Token)).ShouldSucceed().GetProperty("agentId").GetString().ShouldBe(agent.Id);
        (await app.GetAsync($"/conversations/{other.Id}", supervisor.Token)).ShouldSucceed().GetProperty("agentId").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task A_query_string_value_never_replaces_a_body_field()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var named = await app.NewUserAsync("agent", supervisor.Id);
        var other = await app.NewUserAsync("agent", supervisor.Id);
        var conversation = await app.NewConversationAsync(supervisor);

        (await app.PostAsync($"/conversations/{conversation.Id}/assign?agentId={other.Id}&id={ObjectId.NewId()}", new { agentId = named.Id }, supervisor.Token))
            .ShouldSucceed().GetProperty("agentId").GetString().ShouldBe(named.Id);
    }

    [Fact]
    public async Task The_body_schema_is_checked_before_the_conversation_exists()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        (await app.PostRawAsync($"/conversations/{ObjectId.NewId()}/assign", "{}", supervisor.Token))
            .ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    [Fact]
    public async Task Unknown_conversation_is_404()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        (await AssignAsync(ObjectId.NewId().ToString(), agent.Id, supervisor.Token)).ShouldFail(HttpStatusCode.NotFound, "Conversation not found");
    }

    [Fact]
    public async Task Another_supervisors_conversation_is_403_cannot_assign()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync();

        (await AssignAsync(conversation.Id, agent.Id, supervisor.Token)).ShouldFail(HttpStatusCode.Forbidden, "cannot assign agent");
        (await app.GetAsync($"/conversations/{conversation.Id}", conversation.Supervisor.Token))
            .ShouldSucceed().GetProperty("agentId").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task A_closed_conversation_is_403_cannot_assign()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync(supervisor);
        await app.CloseConversationAsync(conversation);

        (await AssignAsync(conversation.Id, agent.Id, supervisor.Token)).ShouldFail(HttpStatusCode.Forbidden, "cannot assign agent");
    }

    [Fact]
    public async Task Cannot_assign_is_reported_before_an_unknown_agent()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var conversation = await app.NewConversationAsync();
        (await AssignAsync(conversation.Id, ObjectId.NewId().ToString(), supervisor.Token)).ShouldFail(HttpStatusCode.Forbidden, "cannot assign agent");
    }

    [Theory]
    [InlineData("0123456789abcdef01234567")]
    [InlineData("not-an-id")]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456")]
    public async Task Unknown_or_malformed_agentId_is_404(string agentId)
    {
        var conversation = await app.NewConversationAsync();
        (await AssignAsync(conversation.Id, agentId, conversation.Supervisor.Token)).ShouldFail(HttpStatusCode.NotFound, "Agent not found");
    }

    [Fact]
    public async Task AgentId_of_a_candidate_is_404()
    {
        var conversation = await app.NewConversationAsync();
        (await AssignAsync(conversation.Id, conversation.Candidate.Id, conversation.Supervisor.Token)).ShouldFail(HttpStatusCode.NotFound, "Agent not found");
    }

    [Fact]
    public async Task AgentId_of_a_supervisor_is_404()
    {
        var conversation = await app.NewConversationAsync();
        (await AssignAsync(conversation.Id, conversation.Supervisor.Id, conversation.Supervisor.Token)).ShouldFail(HttpStatusCode.NotFound, "Agent not found");
    }

    [Fact]
    public async Task Assign_to_another_supervisors_agent_is_403()
    {
        var conversation = await app.NewConversationAsync();
        var (_, foreignAgent) = await app.NewTeamAsync();

        (await AssignAsync(conversation.Id, foreignAgent.Id, conversation.Supervisor.Token)).ShouldFail(HttpStatusCode.Forbidden, "Agent doesn't belong to you");
        (await app.GetAsync($"/conversations/{conversation.Id}", foreignAgent.Token))
            .ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
    }

    [Fact]
    public async Task Reassignment_moves_access_from_the_previous_agent_to_the_new_one()
    {
        var (supervisor, first) = await app.NewTeamAsync();
        var second = await app.NewUserAsync("agent", supervisor.Id);
        var conversation = await app.NewConversationAsync(supervisor);
        await app.AssignAgentAsync(conversation, first);
        (await app.GetAsync($"/conversations/{conversation.Id}", first.Token)).ShouldSucceed();

        var data = (await AssignAsync(conversation.Id, second.Id, supervisor.Token)).ShouldSucceed();

        data.GetProperty("agentId").GetString().ShouldBe(second.Id);
        (await app.GetAsync($"/conversations/{conversation.Id}", first.Token)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
        var seen = (await app.GetAsync($"/conversations/{conversation.Id}", second.Token)).ShouldSucceed();
        seen.GetProperty("agentId").GetString().ShouldBe(second.Id);
        seen.GetProperty("status").GetString().ShouldBe("open");
    }

    [Fact]
    public async Task Assigning_the_same_agent_again_is_a_harmless_200()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync(supervisor);
        await app.AssignAgentAsync(conversation, agent);

        (await AssignAsync(conversation.Id, agent.Id, supervisor.Token)).ShouldSucceed().GetProperty("agentId").GetString().ShouldBe(agent.Id);

        var data = (await app.GetAsync($"/conversations/{conversation.Id}", agent.Token)).ShouldSucceed();
        data.GetProperty("agentId").GetString().ShouldBe(agent.Id);
        data.GetProperty("status").GetString().ShouldBe("open");
    }
}
