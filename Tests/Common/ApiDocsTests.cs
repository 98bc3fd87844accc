using System.Net;
using System.Text.Json;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Common;

/// <summary>The OpenAPI document that client developers generate clients from: every route, every outcome, every rule it can state.</summary>
public sealed class ApiDocsTests(TestApp app) : IClassFixture<TestApp>
{
    /// <summary>CONTRACT.md's statuses per route (500 on all of them).</summary>
    public static TheoryData<string, string, int[]> Routes => new()
    {
        { "post", "/auth/signup", [201, 400, 403, 409, 413, 415] },
        { "post", "/auth/login", [200, 400, 401, 413, 415] },
        { "get", "/auth/me", [200, 401] },
        { "post", "/conversations", [201, 400, 401, 403, 404, 409, 413, 415, 429] },
        { "get", "/conversations", [200, 400, 401] },
        { "get", "/conversations/{id}/messages", [200, 400, 401, 403, 404] },
        { "post", "/conversations/{id}/messages", [201, 400, 401, 403, 404, 409, 413, 415, 429] },
        { "patch", "/conversations/{id}", [200, 400, 401, 403, 404, 413, 415] },
        { "post", "/conversations/{id}/read", [200, 400, 401, 403, 404, 413, 415] },
        { "post", "/conversations/{id}/assign", [200, 400, 401, 403, 404, 413, 415] },
        { "get", "/conversations/{id}", [200, 400, 401, 403, 404] },
        { "post", "/conversations/{id}/close", [200, 400, 401, 403, 404] },
        { "get", "/admin/analytics", [200, 401, 403] },
        { "get", "/admin/audit", [200, 400, 401, 403] },
        { "post", "/conversations/{id}/attachments", [201, 400, 401, 403, 404, 409, 413, 415] },
        { "get", "/attachments/{id}/link", [200, 400, 401, 403, 404] },
        { "get", "/health/live", [200] },
        { "get", "/health/ready", [200, 503] },
    };

    async Task<JsonElement> DocumentAsync()
    {
        using var response = await app.Http.GetAsync("/openapi/v1.json");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Each_route_declares_every_status_with_the_envelope_schema(string method, string path, int[] statuses)
    {
        var operation = (await DocumentAsync()).GetProperty("paths").GetProperty(path).GetProperty(method);
        var responses = operation.GetProperty("responses");

        foreach (var status in statuses.Append(500))
        {
            responses.TryGetProperty(status.ToString(), out var response).ShouldBeTrue($"{method} {path} {status}");
            var schema = response.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString();
            schema.ShouldBe(status < 300 ? schema : "#/components/schemas/ErrorEnvelope", $"{method} {path} {status}");
            if (status < 300) schema.ShouldStartWith("#/components/schemas/EnvelopeOf");
        }
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Each_route_names_its_roles_and_asks_for_the_bearer_token_unless_anonymous(string method, string path, int[] statuses)
    {
        var operation = (await DocumentAsync()).GetProperty("paths").GetProperty(path).GetProperty(method);
        var description = operation.GetProperty("description").GetString()!;
        description.ShouldContain("Roles: ");

        var anonymous = path is "/auth/signup" or "/auth/login" || path.StartsWith("/health/");
        statuses.Contains(401).ShouldBe(!anonymous || path == "/auth/login");   // login answers 401 for bad credentials, not for a token
        operation.TryGetProperty("security", out var security).ShouldBe(!anonymous, $"{method} {path}");
        if (anonymous) description.ShouldContain("anyone");
        else security[0].TryGetProperty("Bearer", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Every_route_the_app_serves_is_in_the_document_and_nothing_else()
    {
        var served = app.ServedEndpoints().Select(e => $"{e.Method.ToLowerInvariant()} {e.Path}").Order().ToList();
        var documented = (await DocumentAsync()).GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name} {p.Name}"))
            .Order().ToList();

        documented.ShouldBe(served);
        documented.ShouldBe(Routes.Select(r => $"{r[0]} {r[1]}").Append("get /attachments/{id}").Order().ToList());
    }

    [Fact]
    public async Task The_download_declares_the_file_types_it_serves_and_every_error_and_the_upload_its_multipart_body()
    {
        var document = await DocumentAsync();
        var download = document.GetProperty("paths").GetProperty("/attachments/{id}").GetProperty("get");
        var responses = download.GetProperty("responses");

        responses.GetProperty("200").GetProperty("content").EnumerateObject().Select(c => c.Name)
            .ShouldBe(["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"], ignoreOrder: true);
        foreach (var status in new[] { 400, 401, 403, 404, 500 })
            responses.GetProperty(status.ToString()).GetProperty("content").GetProperty("application/json").GetProperty("schema")
                .GetProperty("$ref").GetString().ShouldBe("#/components/schemas/ErrorEnvelope");
        // Anonymous at the door (a signed link needs no token), so its description says who may read instead.
        download.GetProperty("description").GetString()!.ShouldContain("signed link");

        var upload = document.GetProperty("paths").GetProperty("/conversations/{id}/attachments").GetProperty("post");
        var schemaRef = upload.GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data")
            .GetProperty("schema").GetProperty("$ref").GetString()!;
        var file = document.GetProperty("components").GetProperty("schemas").GetProperty(schemaRef.Split('/')[^1])
            .GetProperty("properties").GetProperty("file");
        (file.GetProperty("type").GetString(), file.GetProperty("format").GetString()).ShouldBe(("string", "binary"));
    }

    [Fact]
    public async Task Ids_are_24_hex_strings_and_wire_names_are_camelCase_with_underscore_id()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var conversation = schemas.GetProperty("GetConversationResponse").GetProperty("properties");

        conversation.EnumerateObject().Select(p => p.Name).ShouldBe(["_id", "status", "agentId", "supervisorId", "candidateId", "messages", "subject", "priority", "createdAt", "closedAt", "lastMessageAt", "lastMessagePreview", "messageCount", "unreadByCandidate", "unreadByAgent"]);
        foreach (var id in new[] { conversation.GetProperty("_id"), conversation.GetProperty("supervisorId") })
        {
            id.GetProperty("type").GetString().ShouldBe("string");
            id.GetProperty("pattern").GetString().ShouldBe("^[0-9a-fA-F]{24}$");
        }
        var pathId = document.GetProperty("paths").GetProperty("/conversations/{id}").GetProperty("get").GetProperty("parameters")[0];
        pathId.GetProperty("in").GetString().ShouldBe("path");
        pathId.GetProperty("schema").GetProperty("pattern").GetString().ShouldBe("^[0-9a-fA-F]{24}$");
    }

    [Theory]
    [InlineData("/auth/signup", "SignupRequest", "password")]
    [InlineData("/auth/login", "LoginRequest", "email")]
    [InlineData("/conversations", "CreateConversationRequest", "supervisorId")]
    [InlineData("/conversations/{id}/assign", "AssignRequest", "agentId")]
    [InlineData("/conversations/{id}/messages", "PostMessageRequest", "content")]
    [InlineData("/conversations/{id}/read", "MarkReadRequest", "seq")]
    public async Task Request_bodies_carry_an_example_and_allow_unknown_properties(string path, string schemaName, string exampleField)
    {
        var document = await DocumentAsync();
        document.GetProperty("paths").GetProperty(path).GetProperty("post").GetProperty("requestBody").GetProperty("content")
            .GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString().ShouldBe($"#/components/schemas/{schemaName}");
        var schema = document.GetProperty("components").GetProperty("schemas").GetProperty(schemaName);
        schema.GetProperty("example").TryGetProperty(exampleField, out _).ShouldBeTrue();
        // Contract: unknown properties are ignored, so the schema must not forbid them.
        (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False).ShouldBeFalse();
    }

    [Fact]
    public async Task A_route_open_to_every_role_lists_no_403_and_length_rules_are_in_the_schema()
    {
        var document = await DocumentAsync();
        document.GetProperty("paths").GetProperty("/auth/me").GetProperty("get").GetProperty("responses").TryGetProperty("403", out _).ShouldBeFalse();
        var signup = document.GetProperty("components").GetProperty("schemas").GetProperty("SignupRequest").GetProperty("properties");
        // JSON Schema's string lengths count code points, as the contract's rules do.
        (signup.GetProperty("name").GetProperty("minLength").GetInt32(), signup.GetProperty("name").GetProperty("maxLength").GetInt32()).ShouldBe((1, 100));
        (signup.GetProperty("password").GetProperty("minLength").GetInt32(), signup.GetProperty("password").GetProperty("maxLength").GetInt32()).ShouldBe((8, 128));
    }

    [Fact]
    public async Task The_bearer_scheme_is_http_bearer_jwt()
    {
        var scheme = (await DocumentAsync()).GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        scheme.GetProperty("type").GetString().ShouldBe("http");
        scheme.GetProperty("scheme").GetString().ShouldBe("bearer");
        scheme.GetProperty("bearerFormat").GetString().ShouldBe("JWT");
    }
}
