using System.Net;
using System.Text.Json;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Common;

public sealed class PipelineTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Unknown_path_is_404_in_the_envelope()
    {
        (await app.GetAsync("/no/such/route")).ShouldFail(HttpStatusCode.NotFound, "Not found");
    }

    [Fact]
    public async Task Known_path_with_the_wrong_method_is_405_in_the_envelope()
    {
        (await app.GetAsync("/auth/signup")).ShouldFail(HttpStatusCode.MethodNotAllowed, "Method not allowed");
        (await app.SendAsync(HttpMethod.Delete, "/auth/me", null)).ShouldFail(HttpStatusCode.MethodNotAllowed, "Method not allowed");
    }

    [Fact]
    public async Task OpenApi_document_describes_routes_schemas_roles_and_the_bearer_scheme()
    {
        using var response = await app.Http.GetAsync("/openapi/v1.json");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/auth/signup", "/auth/login", "/auth/me" })
            paths.TryGetProperty(path, out _).ShouldBeTrue(path);

        var signup = paths.GetProperty("/auth/signup").GetProperty("post");
        signup.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _).ShouldBeTrue();
        signup.GetProperty("responses").TryGetProperty("201", out _).ShouldBeTrue();
        signup.GetProperty("responses").TryGetProperty("409", out _).ShouldBeTrue();

        var me = paths.GetProperty("/auth/me").GetProperty("get");
        me.GetProperty("security")[0].TryGetProperty("Bearer", out _).ShouldBeTrue();
        me.GetProperty("description").GetString()!.ShouldContain("candidate");
        document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString().ShouldBe("bearer");
        document.GetProperty("components").GetProperty("schemas").TryGetProperty("SignupRequest", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Swagger_ui_is_served()
    {
        using var response = await app.Http.GetAsync("/swagger/index.html");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("swagger-ui");
    }
}
