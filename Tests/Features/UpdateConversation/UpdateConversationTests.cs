using System.Net;
using System.Text.Json;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.UpdateConversation;

/// <summary>CONTRACT.md Part 2 "Routes", PATCH /conversations/:id, and its conversation.updated audit event ("Audit").</summary>
public sealed class UpdateConversationTests(TestApp app) : IClassFixture<TestApp>
{
    Task<ApiResponse> PatchAsync(string id, object body, string token) => app.PatchAsync($"/conversations/{id}", body, token);

    async Task<List<JsonElement>> UpdatedEventsAsync(string conversationId) =>
        [.. (await app.GetAsync($"/admin/audit?action=conversation.updated&conversationId={conversationId}", app.Admin.Token)).ShouldSucceed()
            .GetProperty("items").EnumerateArray()];

    [Fact]
    public async Task The_supervisor_sets_the_priority_and_the_change_is_audited_with_old_and_new()
    {
        var chat = await app.NewConversationAsync();

        var data = (await PatchAsync(chat.Id, new { priority = "urgent" }, chat.Supervisor.Token)).ShouldSucceed();

        data.GetProperty("_id").GetString().ShouldBe(chat.Id);
        data.GetProperty("priority").GetString().ShouldBe("urgent");
        data.GetProperty("subject").ValueKind.ShouldBe(JsonValueKind.Null);
        data.GetProperty("messageCount").GetInt32().ShouldBe(0);
        (await app.GetAsync($"/conversations/{chat.Id}", chat.Candidate.Token)).ShouldSucceed().GetProperty("priority").GetString().ShouldBe("urgent");
        var audit = (await UpdatedEventsAsync(chat.Id)).ShouldHaveSingleItem();
        audit.GetProperty("actorId").GetString().ShouldBe(chat.Supervisor.Id);
        audit.GetProperty("actorRole").GetString().ShouldBe("supervisor");
        audit.GetProperty("details").ToString().ShouldBe("""{"fields":["priority"],"oldPriority":"normal","newPriority":"urgent"}""");
    }

    [Fact]
    public async Task A_subject_is_stored_trimmed_null_clears_it_and_the_audit_never_holds_its_text()
    {
        var chat = await app.NewConversationAsync();

        (await PatchAsync(chat.Id, new { subject = "  Where is my parcel?  " }, chat.Supervisor.Token)).ShouldSucceed()
            .GetProperty("subject").GetString().ShouldBe("Where is my parcel?");
        (await app.PatchRawAsync($"/conversations/{chat.Id}", """{"subject":null}""", chat.Supervisor.Token)).ShouldSucceed()
            .GetProperty("subject").ValueKind.ShouldBe(JsonValueKind.Null);

        var events = await UpdatedEventsAsync(chat.Id);
        events.Count.ShouldBe(2);
        events.ShouldAllBe(e => e.GetProperty("details").ToString() == """{"fields":["subject"]}""");
        (await app.GetAsync($"/conversations?q=parcel", chat.Supervisor.Token)).ShouldSucceed().GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Both_fields_at_once_name_both_and_other_body_fields_are_ignored()
    {
        var chat = await app.NewConversationAsync();

        var data = (await PatchAsync(chat.Id, new { priority = "low", subject = "Billing", status = "closed", agentId = "x" }, app.Admin.Token)).ShouldSucceed();

        (data.GetProperty("priority").GetString(), data.GetProperty("subject").GetString(), data.GetProperty("status").GetString()).ShouldBe(("low", "Billing", "open"));
        var audit = (await UpdatedEventsAsync(chat.Id)).ShouldHaveSingleItem();
        audit.GetProperty("details").ToString().ShouldBe("""{"fields":["priority","subject"],"oldPriority":"normal","newPriority":"low"}""");
        audit.GetProperty("actorRole").GetString().ShouldBe("admin");
    }

    [Fact]
    public async Task A_change_is_a_conversation_updated_notification_and_no_change_is_none()
    {
        var chat = await app.NewConversationAsync();
        await using var candidate = await app.SubscribedAsync(chat.Candidate);
        await using var supervisor = await app.SubscribedAsync(chat.Supervisor);

        (await PatchAsync(chat.Id, new { priority = "high", subject = "Late parcel" }, chat.Supervisor.Token)).ShouldSucceed();

        foreach (var socket in new[] { candidate, supervisor })
        {
            var updated = await socket.ExpectAsync("CONVERSATION_UPDATED");
            updated.Data.GetProperty("_id").GetString().ShouldBe(chat.Id);
            (updated.Data.GetProperty("priority").GetString(), updated.Data.GetProperty("subject").GetString()).ShouldBe(("high", "Late parcel"));
        }
        (await PatchAsync(chat.Id, new { priority = "high" }, chat.Supervisor.Token)).ShouldSucceed();
        await candidate.ShouldReceiveNothingAsync();
        await supervisor.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task Setting_what_is_already_set_answers_200_and_records_nothing()
    {
        var chat = await app.NewConversationAsync();

        (await PatchAsync(chat.Id, new { priority = "normal" }, chat.Supervisor.Token)).ShouldSucceed().GetProperty("priority").GetString().ShouldBe("normal");
        (await app.PatchRawAsync($"/conversations/{chat.Id}", """{"subject":null}""", chat.Supervisor.Token)).ShouldSucceed();

        (await UpdatedEventsAsync(chat.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Allowed_in_every_status_a_closed_one_included()
    {
        var chat = await app.NewConversationAsync();
        await app.CloseConversationAsync(chat);

        var data = (await PatchAsync(chat.Id, new { priority = "high" }, chat.Supervisor.Token)).ShouldSucceed();

        (data.GetProperty("status").GetString(), data.GetProperty("priority").GetString()).ShouldBe(("closed", "high"));
        data.GetProperty("closedAt").ValueKind.ShouldBe(JsonValueKind.String);
    }

    [Fact]
    public async Task Another_supervisor_is_403_and_participants_are_forbidden_by_role()
    {
        var chat = await app.NewConversationAsync();

        (await PatchAsync(chat.Id, new { priority = "high" }, app.Supervisor.Token)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
        (await PatchAsync(chat.Id, new { priority = "high" }, chat.Candidate.Token)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
        (await PatchAsync(chat.Id, new { priority = "high" }, app.Agent.Token)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
        (await app.PatchAsync($"/conversations/{chat.Id}", new { priority = "high" })).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
        (await PatchAsync("6740c0de5d1a2b3c4d0000ff", new { priority = "high" }, app.Admin.Token)).ShouldFail(HttpStatusCode.NotFound, "Conversation not found");
        (await PatchAsync("123", new { priority = "high" }, app.Admin.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        (await UpdatedEventsAsync(chat.Id)).ShouldBeEmpty();
        (await app.GetAsync($"/conversations/{chat.Id}", app.Admin.Token)).ShouldSucceed().GetProperty("priority").GetString().ShouldBe("normal");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"status":"closed"}""")]
    [InlineData("""{"priority":"critical"}""")]
    [InlineData("""{"priority":"HIGH"}""")]
    [InlineData("""{"priority":null}""")]
    [InlineData("""{"priority":3}""")]
    [InlineData("""{"subject":""}""")]
    [InlineData("""{"subject":"   "}""")]
    [InlineData("""{"subject":42}""")]
    [InlineData("""{"subject":"ab\u0000cd"}""")]
    [InlineData("""{"subject":"esc\u001b"}""")]
    [InlineData("""{"subject":["a"]}""")]
    [InlineData("""{"priority":"high","subject":""}""")]
    [InlineData("[]")]
    [InlineData("not json")]
    public async Task A_wrong_value_or_an_empty_change_is_400_and_changes_nothing(string body)
    {
        var chat = await app.NewConversationAsync();

        (await app.PatchRawAsync($"/conversations/{chat.Id}", body, chat.Supervisor.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");

        (await app.GetAsync($"/conversations/{chat.Id}", app.Admin.Token)).ShouldSucceed().GetProperty("priority").GetString().ShouldBe("normal");
        (await UpdatedEventsAsync(chat.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_subject_counts_code_points_up_to_200()
    {
        var chat = await app.NewConversationAsync();
        var emoji = string.Concat(Enumerable.Repeat("📦", 200));

        (await PatchAsync(chat.Id, new { subject = emoji }, chat.Supervisor.Token)).ShouldSucceed().GetProperty("subject").GetString().ShouldBe(emoji);
        (await PatchAsync(chat.Id, new { subject = new string('a', 201) }, chat.Supervisor.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }
}
