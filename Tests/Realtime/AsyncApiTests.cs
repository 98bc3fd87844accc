using System.Net;
using System.Reflection;
using System.Text.Json;
using SupportChat.Common;
using SupportChat.Realtime;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>The AsyncAPI document at /asyncapi.json: the whole WebSocket protocol, with no event left out.</summary>
public sealed class AsyncApiTests(TestApp app) : IClassFixture<TestApp>
{
    async Task<JsonElement> DocumentAsync()
    {
        using var response = await app.Http.GetAsync("/asyncapi.json");   // no token: served to anyone, like /openapi/v1.json
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>Every event name the code knows, both directions.</summary>
    static IEnumerable<string> AllEventNames() =>
        typeof(EventNames).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);

    [Fact]
    public async Task It_is_an_asyncapi_3_document_for_this_host_with_the_token_in_the_query()
    {
        var document = await DocumentAsync();

        document.GetProperty("asyncapi").GetString().ShouldBe("3.0.0");
        var server = document.GetProperty("servers").EnumerateObject().Single().Value;
        server.GetProperty("host").GetString().ShouldBe(app.Http.BaseAddress!.Authority);
        server.GetProperty("protocol").GetString().ShouldBe("ws");
        server.GetProperty("pathname").GetString().ShouldBe("/ws");
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("token");
        scheme.GetProperty("type").GetString().ShouldBe("httpApiKey");
        scheme.GetProperty("in").GetString().ShouldBe("query");
        scheme.GetProperty("name").GetString().ShouldBe("token");
        document.GetProperty("info").GetProperty("description").GetString()!.ShouldContain("A socket that sends none of SUBSCRIBE, TYPING and no sinceSeq or clientMessageId receives exactly Part 1's frames");
    }

    [Fact]
    public async Task Attachments_are_documented_on_SEND_MESSAGE_and_NEW_MESSAGE()
    {
        var messages = (await DocumentAsync()).GetProperty("components").GetProperty("messages");

        Properties(messages, EventNames.SendMessage).GetProperty("attachmentIds").GetRawText().ShouldContain("array");
        Properties(messages, EventNames.NewMessage).GetProperty("attachments").GetRawText().ShouldContain("fileName");
        // With attachments the content may be absent: not a required field.
        var sendData = Data(messages, EventNames.SendMessage);
        (sendData.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()).ToList() : [])
            .ShouldNotContain("content");
    }

    [Fact]
    public async Task Numbers_are_documented_as_the_server_writes_them()
    {
        var messages = (await DocumentAsync()).GetProperty("components").GetProperty("messages");

        Properties(messages, EventNames.NewMessage).GetProperty("seq").GetProperty("type").GetRawText().ShouldBe("\"integer\"");
        Properties(messages, EventNames.JoinedConversation).GetProperty("lastSeq").GetProperty("type").GetRawText().ShouldBe("\"integer\"");
    }

    [Fact]
    public async Task Resume_and_idempotent_send_fields_are_documented()
    {
        var messages = (await DocumentAsync()).GetProperty("components").GetProperty("messages");

        Properties(messages, EventNames.JoinConversation).GetProperty("sinceSeq").GetRawText().ShouldContain("integer");
        Properties(messages, EventNames.SendMessage).GetProperty("clientMessageId").GetRawText().ShouldContain("string");
        Properties(messages, EventNames.NewMessage).GetProperty("replayed").GetRawText().ShouldContain("boolean");
        Properties(messages, EventNames.MessageAccepted).EnumerateObject().Select(p => p.Name).ShouldBe(["conversationId", "clientMessageId", "seq", "createdAt"]);
        Properties(messages, EventNames.MessageNotification).EnumerateObject().Select(p => p.Name)
            .ShouldBe(["conversationId", "seq", "senderId", "senderRole", "preview", "createdAt"]);
    }

    [Fact]
    public async Task Every_event_name_and_every_table_row_is_documented_with_a_data_schema_and_an_operation()
    {
        var document = await DocumentAsync();
        var messages = document.GetProperty("components").GetProperty("messages");
        var operations = document.GetProperty("operations");
        var channel = document.GetProperty("channels").GetProperty("socket").GetProperty("messages");

        var names = AllEventNames().ToList();
        names.ShouldBe([.. EventTable.Routes.Keys, .. EventTable.ServerEvents.Keys], ignoreOrder: true);   // each name is in exactly one table
        foreach (var name in names)
        {
            var data = messages.GetProperty(name).GetProperty("payload").GetProperty("properties").GetProperty("data");
            data.GetProperty("type").GetString().ShouldBe("object", name);
            messages.GetProperty(name).GetProperty("payload").GetProperty("properties").GetProperty("event").GetProperty("const").GetString().ShouldBe(name);
            channel.GetProperty(name).GetProperty("$ref").GetString().ShouldBe($"#/components/messages/{name}");
            operations.GetProperty(name).GetProperty("action").GetString().ShouldBe(EventTable.Routes.ContainsKey(name) ? "receive" : "send", name);
        }
        foreach (var name in EventTable.ServerEvents.Keys.Where(n => n != "SUBSCRIBED" && n != "ERROR"))
            messages.GetProperty(name).GetProperty("payload").GetProperty("properties").GetProperty("data").GetProperty("properties")
                .EnumerateObject().ShouldNotBeEmpty(name);
    }

    [Theory]
    [InlineData("JOIN_CONVERSATION", new[] { "candidate", "agent" }, new[] { "JOINED_CONVERSATION", "NEW_MESSAGE" },
        new[] { "Forbidden for this role", "Invalid request schema", "Not allowed to access this conversation", "Conversation already closed" })]
    [InlineData("SEND_MESSAGE", new[] { "candidate", "agent" }, new[] { "MESSAGE_ACCEPTED" },
        new[] { "Forbidden for this role", "Invalid request schema", "Too many messages", "You must join the conversation first" })]
    [InlineData("LEAVE_CONVERSATION", new[] { "candidate", "agent" }, new[] { "LEFT_CONVERSATION" },
        new[] { "Forbidden for this role", "Invalid request schema", "You must join the conversation first" })]
    [InlineData("CLOSE_CONVERSATION", new[] { "agent" }, new string[0],
        new[] { "Forbidden for this role", "Invalid request schema", "Not allowed to access this conversation", "Conversation not yet assigned", "Conversation already closed" })]
    [InlineData("SUBSCRIBE", new[] { "admin", "supervisor", "agent", "candidate" }, new[] { "SUBSCRIBED" }, new string[0])]
    [InlineData("TYPING", new[] { "candidate", "agent" }, new string[0],
        new[] { "Forbidden for this role", "Invalid request schema", "You must join the conversation first" })]
    public async Task Each_client_event_names_its_roles_replies_and_errors(string name, string[] roles, string[] replies, string[] errors)
    {
        var document = await DocumentAsync();
        var message = document.GetProperty("components").GetProperty("messages").GetProperty(name);
        var operation = document.GetProperty("operations").GetProperty(name);

        message.GetProperty("x-roles").EnumerateArray().Select(r => r.GetString()).ShouldBe(roles, ignoreOrder: true);
        message.GetProperty("x-errors").EnumerateArray().Select(e => e.GetString())
            .ShouldBe(["Invalid message format", "Unknown event", .. errors, "Internal server error", "Service unavailable, try again"], ignoreOrder: true);
        operation.GetProperty("reply").GetProperty("messages").EnumerateArray().Select(r => r.GetProperty("$ref").GetString())
            .ShouldBe([.. replies.Append("ERROR").Select(r => $"#/channels/socket/messages/{r}")], ignoreOrder: true);
        foreach (var error in errors) operation.GetProperty("description").GetString()!.ShouldContain($"`{error}`");
    }

    [Fact]
    public async Task Part_2_frames_are_marked_opt_in_and_part_1_frames_are_not()
    {
        var messages = (await DocumentAsync()).GetProperty("components").GetProperty("messages");

        var optIn = AllEventNames().Where(n => messages.GetProperty(n).GetProperty("x-opt-in").GetBoolean()).Order().ToList();

        optIn.ShouldBe(["CONVERSATION_ASSIGNED", "CONVERSATION_CREATED", "CONVERSATION_UNASSIGNED", "CONVERSATION_UPDATED", "MESSAGE_ACCEPTED",
            "MESSAGE_NOTIFICATION", "SUBSCRIBE", "SUBSCRIBED", "TYPING", "USER_TYPING"]);
        messages.GetProperty("MESSAGE_ACCEPTED").GetProperty("description").GetString()!.ShouldContain("clientMessageId");
    }

    [Fact]
    public async Task Ids_and_timestamps_are_strings_of_their_format()
    {
        var messages = (await DocumentAsync()).GetProperty("components").GetProperty("messages");

        var conversation = Data(messages, "CONVERSATION_UPDATED").GetProperty("properties");
        conversation.GetProperty("_id").GetProperty("type").GetString().ShouldBe("string");
        conversation.GetProperty("_id").GetProperty("pattern").GetString().ShouldBe("^[0-9a-f]{24}$");
        conversation.GetProperty("agentId").GetProperty("type").EnumerateArray().Select(t => t.GetString()).ShouldBe(["string", "null"]);
        var message = Data(messages, "NEW_MESSAGE").GetProperty("properties");
        message.GetProperty("createdAt").GetProperty("format").GetString().ShouldBe("date-time");
        message.GetProperty("senderId").GetProperty("pattern").GetString().ShouldBe("^[0-9a-f]{24}$");
    }

    [Fact]
    public async Task The_hand_written_new_message_frame_has_exactly_the_documented_fields()
    {
        var documented = Data((await DocumentAsync()).GetProperty("components").GetProperty("messages"), "NEW_MESSAGE");

        var attachment = new SupportChat.Common.Data.MessageAttachment(ObjectId.NewId(), "a.png", "image/png", 10, true);
        var plain = JsonDocument.Parse(Frames.NewMessage(ObjectId.NewId(), new LiveMessage(ObjectId.NewId(), "agent", "hi", DateTime.UtcNow), 1)).RootElement;
        var replayedWithFile = JsonDocument.Parse(Frames.NewMessage(ObjectId.NewId(), new LiveMessage(ObjectId.NewId(), "agent", "", DateTime.UtcNow, [attachment]), 2,
            replayed: true)).RootElement;

        var properties = documented.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        replayedWithFile.GetProperty("data").EnumerateObject().Select(p => p.Name).ShouldBe(properties);
        replayedWithFile.GetProperty("data").GetProperty("replayed").GetBoolean().ShouldBeTrue();
        // A live message without files is Part 1's frame: "attachments" and "replayed" are documented as optional and left out.
        plain.GetProperty("data").EnumerateObject().Select(p => p.Name).ShouldBe(properties.Where(p => p is not ("attachments" or "replayed")));
        documented.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ShouldNotContain("attachments");
        documented.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ShouldNotContain("replayed");
    }

    [Fact]
    public async Task Every_frame_of_a_whole_journey_matches_its_documented_schema()
    {
        var messages = (await DocumentAsync()).GetProperty("components").GetProperty("messages");
        var (supervisorUser, agentUser) = await app.NewTeamAsync();
        var secondAgent = await app.NewUserAsync("agent", supervisorUser.Id);
        var candidateUser = await app.NewUserAsync("candidate");
        await using var supervisor = await app.SubscribedAsync(supervisorUser);
        await using var agent = await app.SubscribedAsync(agentUser);
        await using var other = await app.SubscribedAsync(secondAgent);
        await using var candidate = await app.SubscribedAsync(candidateUser);
        var frames = new List<SocketFrame>();

        var id = (await app.PostAsync("/conversations", new { supervisorId = supervisorUser.Id }, candidateUser.Token))
            .ShouldSucceed(HttpStatusCode.Created).GetProperty("_id").GetString()!;
        (await app.PostAsync($"/conversations/{id}/assign", new { agentId = secondAgent.Id }, supervisorUser.Token)).ShouldSucceed();
        (await app.PostAsync($"/conversations/{id}/assign", new { agentId = agentUser.Id }, supervisorUser.Token)).ShouldSucceed();
        await candidate.SendAsync("JOIN_CONVERSATION", new { conversationId = id });
        await agent.SendAsync("JOIN_CONVERSATION", new { conversationId = id });
        frames.AddRange(await candidate.ReceiveUntilQuietAsync());
        await candidate.SendAsync("TYPING", new { conversationId = id });
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = id, content = "hello" });
        frames.AddRange(await agent.ReceiveUntilQuietAsync());
        await agent.SendAsync("LEAVE_CONVERSATION", new { conversationId = id });
        await agent.SendAsync("SEND_MESSAGE", new { conversationId = id, content = "not in the room" });
        await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = id });
        SocketFrame next;
        do frames.Add(next = await candidate.ReceiveAsync()); while (next.Event != "CONVERSATION_CLOSED");   // however slow the close
        foreach (var socket in new[] { supervisor, agent, other, candidate }) frames.AddRange(await socket.ReceiveUntilQuietAsync());

        frames.Select(f => f.Event).Distinct().Order().ShouldBe(["CONVERSATION_ASSIGNED", "CONVERSATION_CLOSED", "CONVERSATION_CREATED",
            "CONVERSATION_UNASSIGNED", "CONVERSATION_UPDATED", "ERROR", "JOINED_CONVERSATION", "LEFT_CONVERSATION", "NEW_MESSAGE", "USER_TYPING"]);
        foreach (var frame in frames) ShouldMatch(Data(messages, frame.Event), frame.Data, frame.Event);
    }

    static JsonElement Data(JsonElement messages, string name) =>
        messages.GetProperty(name).GetProperty("payload").GetProperty("properties").GetProperty("data");

    static JsonElement Properties(JsonElement messages, string name) => Data(messages, name).GetProperty("properties");

    /// <summary>Every property the frame carries is documented with its JSON type, and every required one is there.</summary>
    static void ShouldMatch(JsonElement schema, JsonElement data, string name)
    {
        var properties = schema.GetProperty("properties");
        foreach (var property in data.EnumerateObject())
        {
            properties.TryGetProperty(property.Name, out var documented).ShouldBeTrue($"{name}.{property.Name} is not documented");
            var types = documented.GetProperty("type") is { ValueKind: JsonValueKind.Array } list
                ? list.EnumerateArray().Select(t => t.GetString()).ToList()
                : [documented.GetProperty("type").GetString()];
            types.ShouldContain(property.Value.ValueKind switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.Null => "null",
                JsonValueKind.Number => "integer",
                JsonValueKind.True or JsonValueKind.False => "boolean",
                JsonValueKind.Array => "array",
                _ => "object",
            }, $"{name}.{property.Name}");
        }
        if (schema.TryGetProperty("required", out var required))
            foreach (var field in required.EnumerateArray()) data.TryGetProperty(field.GetString()!, out _).ShouldBeTrue($"{name} lacks {field}");
    }
}
