using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Realtime;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.CreateConversation;

/// <summary>CONTRACT.md Part 2 "Routes", POST /conversations: subject, priority, the opening message and the whole conversation object.</summary>
public sealed class CreateConversationInboxTests(TestApp app) : IClassFixture<TestApp>
{
    async Task<ApiResponse> CreateRawAsync(string fields)
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var candidate = await app.NewUserAsync("candidate");
        return await app.PostRawAsync("/conversations", $$"""{"supervisorId":"{{supervisor.Id}}"{{fields}}}""", candidate.Token);
    }

    [Fact]
    public async Task Subject_priority_and_message_give_the_whole_conversation_with_the_message_as_seq_1()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var candidate = await app.NewUserAsync("candidate");
        var before = DateTime.UtcNow.AddSeconds(-1);

        var data = (await app.PostAsync("/conversations", new { supervisorId = supervisor.Id, subject = "  Order #4711  ", priority = "urgent", message = "  It never arrived 📦  " },
            candidate.Token)).ShouldSucceed(HttpStatusCode.Created);

        data.EnumerateObject().Select(p => p.Name).ShouldBe(["_id", "status", "agentId", "supervisorId", "candidateId", "subject", "priority",
            "createdAt", "closedAt", "lastMessageAt", "lastMessagePreview", "messageCount", "unreadByCandidate", "unreadByAgent"]);
        data.GetProperty("status").GetString().ShouldBe("open");
        data.GetProperty("agentId").ValueKind.ShouldBe(JsonValueKind.Null);
        data.GetProperty("candidateId").GetString().ShouldBe(candidate.Id);
        data.GetProperty("supervisorId").GetString().ShouldBe(supervisor.Id);
        data.GetProperty("subject").GetString().ShouldBe("Order #4711");
        data.GetProperty("priority").GetString().ShouldBe("urgent");
        data.GetProperty("createdAt").GetDateTime().ShouldBeGreaterThan(before);
        data.GetProperty("closedAt").ValueKind.ShouldBe(JsonValueKind.Null);
        data.GetProperty("messageCount").GetInt32().ShouldBe(1);
        data.GetProperty("lastMessagePreview").GetString().ShouldBe("  It never arrived 📦  ");
        data.GetProperty("lastMessageAt").GetDateTime().ShouldBeGreaterThanOrEqualTo(data.GetProperty("createdAt").GetDateTime().AddMilliseconds(-1));
        (data.GetProperty("unreadByCandidate").GetInt32(), data.GetProperty("unreadByAgent").GetInt32()).ShouldBe((0, 1));

        var id = data.GetProperty("_id").GetString()!;
        var message = (await app.GetAsync($"/conversations/{id}/messages", supervisor.Token)).ShouldSucceed().GetProperty("items").EnumerateArray().Single();
        (message.GetProperty("seq").GetInt32(), message.GetProperty("senderId").GetString(), message.GetProperty("senderRole").GetString(), message.GetProperty("content").GetString())
            .ShouldBe((1, candidate.Id, "candidate", "  It never arrived 📦  "));
        (await app.GetAsync($"/admin/audit?action=conversation.created&conversationId={id}", app.Admin.Token)).ShouldSucceed()
            .GetProperty("items").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Without_the_new_fields_there_is_no_subject_priority_is_normal_and_nothing_was_said()
    {
        var data = (await CreateRawAsync("")).ShouldSucceed(HttpStatusCode.Created);

        data.GetProperty("subject").ValueKind.ShouldBe(JsonValueKind.Null);
        data.GetProperty("priority").GetString().ShouldBe("normal");
        data.GetProperty("messageCount").GetInt32().ShouldBe(0);
        data.GetProperty("lastMessageAt").ValueKind.ShouldBe(JsonValueKind.Null);
        data.GetProperty("lastMessagePreview").ValueKind.ShouldBe(JsonValueKind.Null);
        (data.GetProperty("unreadByCandidate").GetInt32(), data.GetProperty("unreadByAgent").GetInt32()).ShouldBe((0, 0));
    }

    [Fact]
    public async Task Null_subject_priority_and_message_are_the_same_as_absent()
    {
        var data = (await CreateRawAsync(""","subject":null,"priority":null,"message":null""")).ShouldSucceed(HttpStatusCode.Created);
        (data.GetProperty("subject").ValueKind, data.GetProperty("priority").GetString(), data.GetProperty("messageCount").GetInt32())
            .ShouldBe((JsonValueKind.Null, "normal", 0));
    }

    [Theory]
    [InlineData(""","subject":"" """)]
    [InlineData(""","subject":"   " """)]
    [InlineData(""","subject":17""")]
    [InlineData(""","subject":"nul\u0000" """)]
    [InlineData(""","priority":"critical" """)]
    [InlineData(""","priority":"Normal" """)]
    [InlineData(""","priority":2""")]
    [InlineData(""","message":"" """)]
    [InlineData(""","message":"  \n " """)]
    [InlineData(""","message":"nul\u0000" """)]
    [InlineData(""","message":{"content":"hi"}""")]
    public async Task A_wrong_type_or_value_of_a_new_field_is_400(string fields)
    {
        (await CreateRawAsync(fields)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    [Fact]
    public async Task Subject_and_message_lengths_count_code_points()
    {
        (await CreateRawAsync($$""","subject":"{{string.Concat(Enumerable.Repeat("✉️", 100))}}" """)).ShouldSucceed(HttpStatusCode.Created);   // 200 code points
        (await CreateRawAsync($$""","subject":"{{new string('s', 201)}}" """)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        (await CreateRawAsync($$""","message":"{{string.Concat(Enumerable.Repeat("😀", 5000))}}" """)).ShouldSucceed(HttpStatusCode.Created);
        (await CreateRawAsync($$""","message":"{{new string('m', 5001)}}" """)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    [Fact]
    public async Task The_preview_is_the_first_100_utf16_code_units_of_the_last_message()
    {
        var emoji = string.Concat(Enumerable.Repeat("😀", 80));   // 160 UTF-16 code units
        var data = (await CreateRawAsync($$""","message":"{{emoji}}" """)).ShouldSucceed(HttpStatusCode.Created);

        data.GetProperty("lastMessagePreview").GetString().ShouldBe(string.Concat(Enumerable.Repeat("😀", 50)));
    }

    [Fact]
    public async Task A_schema_error_comes_before_an_unknown_supervisor_and_a_409_stores_no_message()
    {
        var candidate = await app.NewUserAsync("candidate");
        (await app.PostAsync("/conversations", new { supervisorId = "nope", priority = "bogus" }, candidate.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        (await app.PostAsync("/conversations", new { supervisorId = "nope", message = "hi" }, candidate.Token)).ShouldFail(HttpStatusCode.NotFound, "Supervisor not found");

        var supervisor = await app.NewUserAsync("supervisor");
        var first = (await app.PostAsync("/conversations", new { supervisorId = supervisor.Id, message = "first" }, candidate.Token)).ShouldSucceed(HttpStatusCode.Created);
        (await app.PostAsync("/conversations", new { supervisorId = supervisor.Id, message = "second" }, candidate.Token))
            .ShouldFail(HttpStatusCode.Conflict, "Candidate already has an active conversation");
        var id = first.GetProperty("_id").GetString()!;
        (await app.GetAsync($"/conversations/{id}", candidate.Token)).ShouldSucceed().GetProperty("messages").EnumerateArray()
            .Select(m => m.GetProperty("content").GetString()).ShouldBe(["first"]);
    }

    [Fact]
    [Trait("Engine", "InProcess")]   // reads the TranscriptJournal table
    public async Task The_opening_message_reaches_the_checkpoint_like_a_socket_message()
    {
        var data = (await CreateRawAsync(""","message":"saved for a restart" """)).ShouldSucceed(HttpStatusCode.Created);
        var id = ObjectId.Parse(data.GetProperty("_id").GetString()!);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<(int, string)> rows;
        do
        {
            var payloads = await app.WithDbAsync(db => db.TranscriptJournal.Select(e => e.Payload).ToListAsync());
            rows = [.. payloads.SelectMany(TranscriptJournal.Decode).Where(run => run.ConversationId == id)
                .SelectMany(run => run.Messages.Select((m, i) => (run.FirstSequence + i, m.Content)))];
            if (rows.Count > 0) break;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);

        rows.ShouldBe([(0, "saved for a restart")]);   // stored Sequence is 0-based: seq 1
    }
}
