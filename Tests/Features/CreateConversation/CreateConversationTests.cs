using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.CreateConversation;

public sealed class CreateConversationTests(TestApp app) : IClassFixture<TestApp>
{
    Task<ApiResponse> CreateAsync(object body, string? token) => app.PostAsync("/conversations", body, token);

    [Fact]
    public async Task Create_returns_201_with_id_open_status_and_supervisor()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var candidate = await app.NewUserAsync("candidate");

        var data = (await CreateAsync(new { supervisorId = supervisor.Id }, candidate.Token)).ShouldSucceed(HttpStatusCode.Created);

        data.EnumerateObject().Select(p => p.Name).ShouldBe(["_id", "status", "agentId", "supervisorId", "candidateId", "subject", "priority", "createdAt", "closedAt", "lastMessageAt", "lastMessagePreview", "messageCount", "unreadByCandidate", "unreadByAgent"], ignoreOrder: true);
        data.GetProperty("_id").GetString()!.ShouldMatch("^[0-9a-f]{24}$");
        data.GetProperty("status").GetString().ShouldBe("open");
        data.GetProperty("supervisorId").GetString().ShouldBe(supervisor.Id);
    }

    [Fact]
    public async Task Created_conversation_belongs_to_the_caller_and_has_no_agent()
    {
        var conversation = await app.NewConversationAsync();

        var data = (await app.GetAsync($"/conversations/{conversation.Id}", conversation.Candidate.Token)).ShouldSucceed();
        data.GetProperty("candidateId").GetString().ShouldBe(conversation.Candidate.Id);
        data.GetProperty("supervisorId").GetString().ShouldBe(conversation.Supervisor.Id);
        data.GetProperty("agentId").ValueKind.ShouldBe(JsonValueKind.Null);
        data.GetProperty("status").GetString().ShouldBe("open");
    }

    [Fact]
    public async Task An_uppercase_supervisorId_is_matched_case_insensitively()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var candidate = await app.NewUserAsync("candidate");

        (await CreateAsync(new { supervisorId = supervisor.Id.ToUpperInvariant() }, candidate.Token))
            .ShouldSucceed(HttpStatusCode.Created).GetProperty("supervisorId").GetString().ShouldBe(supervisor.Id);
    }

    public static TheoryData<string?> BadTokens => Tokens.Invalid("candidate");

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Missing_or_invalid_token_is_401(string? token)
    {
        var supervisor = await app.NewUserAsync("supervisor");
        (await CreateAsync(new { supervisorId = supervisor.Id }, token)).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("supervisor")]
    [InlineData("agent")]
    public async Task Roles_other_than_candidate_are_403(string role)
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var caller = await app.NewUserInRoleAsync(role);
        (await CreateAsync(new { supervisorId = supervisor.Id }, caller.Token)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
    }

    [Fact]
    public async Task Authentication_and_role_are_checked_before_the_body()
    {
        var admin = await app.NewUserAsync("admin");
        (await app.PostRawAsync("/conversations", "{}")).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
        (await app.PostRawAsync("/conversations", "{}", admin.Token)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
    }

    public static TheoryData<string> SchemaViolations => new()
    {
        "{}",
        """{"supervisorId":null}""",
        """{"supervisorId":42}""",
        """{"supervisorId":["0123456789abcdef01234567"]}""",
        """{"SupervisorId":"0123456789abcdef01234567"}""",   // names are case-sensitive
        """{"supervisorId":""",
        "null",
    };

    [Theory]
    [MemberData(nameof(SchemaViolations))]
    public async Task Missing_or_wrongly_typed_supervisorId_is_400(string body)
    {
        var candidate = await app.NewUserAsync("candidate");
        (await app.PostRawAsync("/conversations", body, candidate.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    [Fact]
    public async Task A_body_without_json_content_type_is_415()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var candidate = await app.NewUserAsync("candidate");
        (await app.PostRawAsync("/conversations", $$"""{"supervisorId":"{{supervisor.Id}}"}""", candidate.Token, "text/plain"))
            .ShouldFail(HttpStatusCode.UnsupportedMediaType, "Content-Type must be application/json");
    }

    [Theory]
    [InlineData("0123456789abcdef01234567")]
    [InlineData("not-an-id")]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456")]
    [InlineData("0123456789abcdef0123456g")]
    public async Task Unknown_or_malformed_supervisorId_is_404(string supervisorId)
    {
        var candidate = await app.NewUserAsync("candidate");
        (await CreateAsync(new { supervisorId }, candidate.Token)).ShouldFail(HttpStatusCode.NotFound, "Supervisor not found");
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("agent")]
    [InlineData("candidate")]
    public async Task SupervisorId_of_a_user_who_is_not_a_supervisor_is_404(string role)
    {
        var other = await app.NewUserInRoleAsync(role);
        var candidate = await app.NewUserAsync("candidate");
        (await CreateAsync(new { supervisorId = other.Id }, candidate.Token)).ShouldFail(HttpStatusCode.NotFound, "Supervisor not found");
    }

    [Fact]
    public async Task A_second_conversation_while_one_is_open_is_409()
    {
        var conversation = await app.NewConversationAsync();
        var another = await app.NewUserAsync("supervisor");

        (await CreateAsync(new { supervisorId = conversation.Supervisor.Id }, conversation.Candidate.Token))
            .ShouldFail(HttpStatusCode.Conflict, "Candidate already has an active conversation");
        (await CreateAsync(new { supervisorId = another.Id }, conversation.Candidate.Token))
            .ShouldFail(HttpStatusCode.Conflict, "Candidate already has an active conversation");
    }

    [Fact]
    public async Task A_second_conversation_while_one_has_an_agent_is_409()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync(supervisor);
        await app.AssignAgentAsync(conversation, agent);

        (await CreateAsync(new { supervisorId = supervisor.Id }, conversation.Candidate.Token))
            .ShouldFail(HttpStatusCode.Conflict, "Candidate already has an active conversation");
    }

    [Fact]
    public async Task A_second_conversation_while_one_is_assigned_is_409()
    {
        var conversation = await app.NewConversationAsync();
        await app.SetConversationStatusAsync(conversation.Id, "assigned");

        (await CreateAsync(new { supervisorId = conversation.Supervisor.Id }, conversation.Candidate.Token))
            .ShouldFail(HttpStatusCode.Conflict, "Candidate already has an active conversation");
    }

    [Fact]
    public async Task An_unknown_supervisor_is_reported_before_an_active_conversation()
    {
        var conversation = await app.NewConversationAsync();
        (await CreateAsync(new { supervisorId = ObjectId.NewId().ToString() }, conversation.Candidate.Token))
            .ShouldFail(HttpStatusCode.NotFound, "Supervisor not found");
    }

    [Fact]
    public async Task A_new_conversation_is_allowed_once_the_previous_one_is_closed()
    {
        var first = await app.NewConversationAsync();
        await app.CloseConversationAsync(first);

        var data = (await CreateAsync(new { supervisorId = first.Supervisor.Id }, first.Candidate.Token)).ShouldSucceed(HttpStatusCode.Created);
        data.GetProperty("_id").GetString().ShouldNotBe(first.Id);
        data.GetProperty("status").GetString().ShouldBe("open");
    }

    [Fact]
    public async Task Other_candidates_are_not_blocked_by_someone_elses_active_conversation()
    {
        var conversation = await app.NewConversationAsync();
        var otherCandidate = await app.NewUserAsync("candidate");
        (await CreateAsync(new { supervisorId = conversation.Supervisor.Id }, otherCandidate.Token)).ShouldSucceed(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Simultaneous_creates_by_one_candidate_give_one_201_and_the_rest_409()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var candidate = await app.NewUserAsync("candidate");

        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CreateAsync(new { supervisorId = supervisor.Id }, candidate.Token)));

        attempts.Count(r => r.Status == HttpStatusCode.Created).ShouldBe(1, string.Join('\n', attempts.Select(r => $"{(int)r.Status} {r.Body}")));
        attempts.Where(r => r.Status != HttpStatusCode.Created)
            .ShouldAllBe(r => r.Status == HttpStatusCode.Conflict && r.Error == "Candidate already has an active conversation");
        var candidateId = ObjectId.Parse(candidate.Id);
        (await app.WithDbAsync(db => db.Conversations.CountAsync(c => c.CandidateId == candidateId && c.Status != "closed"))).ShouldBe(1);
    }
}
