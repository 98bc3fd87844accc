using System.Net;
using System.Text.Json;
using SupportChat.Common;
using SupportChat.Common.Data;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.GetConversation;

public sealed class GetConversationTests(TestApp app) : IClassFixture<TestApp>
{
    Task<ApiResponse> GetAsync(string id, string? token) => app.GetAsync($"/conversations/{id}", token);

    async Task<(TestConversation Conversation, TestUser Agent)> AssignedConversationAsync()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync(supervisor);
        await app.AssignAgentAsync(conversation, agent);
        return (conversation, agent);
    }

    [Fact]
    public async Task Get_returns_the_conversation_with_a_null_agent_until_assigned()
    {
        var conversation = await app.NewConversationAsync();

        var data = (await GetAsync(conversation.Id, conversation.Candidate.Token)).ShouldSucceed();

        data.EnumerateObject().Select(p => p.Name).ShouldBe(["_id", "status", "agentId", "supervisorId", "candidateId", "messages", "subject", "priority", "createdAt", "closedAt", "lastMessageAt", "lastMessagePreview", "messageCount", "unreadByCandidate", "unreadByAgent"], ignoreOrder: true);
        data.GetProperty("_id").GetString().ShouldBe(conversation.Id);
        data.GetProperty("status").GetString().ShouldBe("open");
        data.GetProperty("agentId").ValueKind.ShouldBe(JsonValueKind.Null);
        data.GetProperty("supervisorId").GetString().ShouldBe(conversation.Supervisor.Id);
        data.GetProperty("candidateId").GetString().ShouldBe(conversation.Candidate.Id);
        data.GetProperty("messages").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Get_shows_the_assigned_agent()
    {
        var (conversation, agent) = await AssignedConversationAsync();
        (await GetAsync(conversation.Id, conversation.Candidate.Token)).ShouldSucceed().GetProperty("agentId").GetString().ShouldBe(agent.Id);
    }

    [Fact]
    public async Task An_uppercase_path_id_is_matched_case_insensitively()
    {
        var conversation = await app.NewConversationAsync();
        (await GetAsync(conversation.Id.ToUpperInvariant(), conversation.Candidate.Token)).ShouldSucceed().GetProperty("_id").GetString().ShouldBe(conversation.Id);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("owning candidate")]
    [InlineData("owning supervisor")]
    [InlineData("assigned agent")]
    public async Task Admin_and_the_conversations_own_participants_may_read_it(string caller)
    {
        var (conversation, agent) = await AssignedConversationAsync();
        var token = caller switch
        {
            "admin" => (await app.NewUserAsync("admin")).Token,
            "owning candidate" => conversation.Candidate.Token,
            "owning supervisor" => conversation.Supervisor.Token,
            _ => agent.Token,
        };

        (await GetAsync(conversation.Id, token)).ShouldSucceed().GetProperty("_id").GetString().ShouldBe(conversation.Id);
    }

    [Theory]
    [InlineData("other candidate")]
    [InlineData("other supervisor")]
    [InlineData("unassigned agent of the same supervisor")]
    [InlineData("agent of another supervisor")]
    public async Task Anyone_else_is_403(string caller)
    {
        var (conversation, _) = await AssignedConversationAsync();
        var token = caller switch
        {
            "other candidate" => (await app.NewUserAsync("candidate")).Token,
            "other supervisor" => (await app.NewUserAsync("supervisor")).Token,
            "unassigned agent of the same supervisor" => (await app.NewUserAsync("agent", conversation.Supervisor.Id)).Token,
            _ => (await app.NewTeamAsync()).Agent.Token,
        };

        (await GetAsync(conversation.Id, token)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
    }

    [Fact]
    public async Task An_agent_of_the_supervisor_cannot_read_a_conversation_before_it_is_assigned()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var conversation = await app.NewConversationAsync(supervisor);
        (await GetAsync(conversation.Id, agent.Token)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
    }

    [Fact]
    public async Task A_previously_assigned_agent_is_403()
    {
        var (conversation, first) = await AssignedConversationAsync();
        var second = await app.NewUserAsync("agent", conversation.Supervisor.Id);
        await app.AssignAgentAsync(conversation, second);

        (await GetAsync(conversation.Id, first.Token)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
        (await GetAsync(conversation.Id, second.Token)).ShouldSucceed();
    }

    [Fact]
    public async Task Participants_may_still_read_a_closed_conversation()
    {
        var (conversation, agent) = await AssignedConversationAsync();
        await app.CloseConversationAsync(conversation);

        foreach (var token in new[] { conversation.Candidate.Token, conversation.Supervisor.Token, agent.Token })
            (await GetAsync(conversation.Id, token)).ShouldSucceed().GetProperty("status").GetString().ShouldBe("closed");
    }

    public static TheoryData<string?> BadTokens => Tokens.Invalid("admin");

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Missing_or_invalid_token_is_401(string? token)
    {
        var conversation = await app.NewConversationAsync();
        (await GetAsync(conversation.Id, token)).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
    }

    [Fact]
    public async Task A_token_naming_a_role_its_user_does_not_have_is_401_before_the_path_id_is_checked()
    {
        var token = Tokens.Forge(app.Candidate.Id, "janitor");
        (await GetAsync("not-an-id", token)).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
    }

    [Fact]
    public async Task Authentication_is_checked_before_the_path_id()
    {
        (await GetAsync("not-an-id", null)).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("0123456789abcdef0123456")]
    [InlineData("0123456789abcdef012345678")]
    [InlineData("0123456789abcdef0123456z")]
    public async Task A_path_id_that_is_not_24_hex_characters_is_400(string id)
    {
        var admin = await app.NewUserAsync("admin");
        (await GetAsync(id, admin.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    [Fact]
    public async Task Unknown_conversation_is_404()
    {
        var admin = await app.NewUserAsync("admin");
        (await GetAsync(ObjectId.NewId().ToString(), admin.Token)).ShouldFail(HttpStatusCode.NotFound, "Conversation not found");
    }

    [Fact]
    public async Task Unknown_conversation_is_404_for_every_role()
    {
        foreach (var role in new[] { "supervisor", "agent", "candidate" })
        {
            var caller = await app.NewUserInRoleAsync(role);
            (await GetAsync(ObjectId.NewId().ToString(), caller.Token)).ShouldFail(HttpStatusCode.NotFound, "Conversation not found");
        }
    }

    [Fact]
    public async Task An_open_conversation_without_live_messages_has_an_empty_list()
    {
        var (conversation, agent) = await AssignedConversationAsync();
        var messages = (await GetAsync(conversation.Id, agent.Token)).ShouldSucceed().GetProperty("messages");
        messages.ValueKind.ShouldBe(JsonValueKind.Array);
        messages.GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task An_assigned_conversation_without_live_messages_has_an_empty_list()
    {
        var (conversation, agent) = await AssignedConversationAsync();
        await app.SetConversationStatusAsync(conversation.Id, "assigned");

        var data = (await GetAsync(conversation.Id, agent.Token)).ShouldSucceed();
        data.GetProperty("status").GetString().ShouldBe("assigned");
        data.GetProperty("messages").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_closed_conversation_without_messages_has_an_empty_list()
    {
        var conversation = await app.NewConversationAsync();
        await app.CloseConversationAsync(conversation);
        (await GetAsync(conversation.Id, conversation.Candidate.Token)).ShouldSucceed().GetProperty("messages").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_closed_conversation_returns_its_persisted_messages_in_sequence_order()
    {
        var (conversation, agent) = await AssignedConversationAsync();
        await app.CloseConversationAsync(conversation);
        var id = ObjectId.Parse(conversation.Id);
        var candidateId = ObjectId.Parse(conversation.Candidate.Id);
        var agentId = ObjectId.Parse(agent.Id);
        var sameMillisecond = new DateTime(2025, 3, 11, 10, 31, 2, 45, DateTimeKind.Utc);
        // Added out of order, and two share a timestamp: only Sequence gives the transcript's order.
        await app.WithDbAsync(db =>
        {
            db.Messages.AddRange(
                new Message { ConversationId = id, Sequence = 2, SenderId = candidateId, SenderRole = "candidate", Content = "Thanks!", CreatedAt = sameMillisecond },
                new Message { ConversationId = id, Sequence = 0, SenderId = candidateId, SenderRole = "candidate", Content = "Hi, I need help", CreatedAt = new DateTime(2025, 3, 11, 10, 30, 0, DateTimeKind.Utc) },
                new Message { ConversationId = id, Sequence = 1, SenderId = agentId, SenderRole = "agent", Content = "Hello, how can I help?", CreatedAt = sameMillisecond });
            return db.SaveChangesAsync();
        });

        var messages = (await GetAsync(conversation.Id, conversation.Candidate.Token)).ShouldSucceed().GetProperty("messages").EnumerateArray().ToList();

        messages.Select(m => m.GetProperty("content").GetString()).ShouldBe(["Hi, I need help", "Hello, how can I help?", "Thanks!"]);
        messages.ShouldAllBe(m => m.EnumerateObject().Count() == 5);   // Part 2 adds seq
        messages.Select(m => m.GetProperty("seq").GetInt32()).ShouldBe([1, 2, 3]);
        messages.Select(m => m.GetProperty("senderId").GetString()).ShouldBe([conversation.Candidate.Id, agent.Id, conversation.Candidate.Id]);
        messages.Select(m => m.GetProperty("senderRole").GetString()).ShouldBe(["candidate", "agent", "candidate"]);
        messages.Select(m => m.GetProperty("createdAt").GetString()).ShouldBe(["2025-03-11T10:30:00.000Z", "2025-03-11T10:31:02.045Z", "2025-03-11T10:31:02.045Z"]);
    }

    [Fact]
    public async Task Persisted_messages_of_other_conversations_are_not_shown()
    {
        var first = await app.NewConversationAsync();
        var second = await app.NewConversationAsync(first.Supervisor);
        await app.CloseConversationAsync(first);
        await app.CloseConversationAsync(second);
        var firstId = ObjectId.Parse(first.Id);
        var candidateId = ObjectId.Parse(first.Candidate.Id);
        await app.WithDbAsync(db =>
        {
            db.Messages.Add(new Message { ConversationId = firstId, Sequence = 0, SenderId = candidateId, SenderRole = "candidate", Content = "mine", CreatedAt = DateTime.UtcNow });
            return db.SaveChangesAsync();
        });

        (await GetAsync(second.Id, second.Candidate.Token)).ShouldSucceed().GetProperty("messages").GetArrayLength().ShouldBe(0);
        (await GetAsync(first.Id, first.Candidate.Token)).ShouldSucceed().GetProperty("messages").GetArrayLength().ShouldBe(1);
    }
}
