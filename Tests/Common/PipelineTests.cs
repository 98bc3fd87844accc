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
    public async Task Swagger_ui_is_served()
    {
        using var response = await app.Http.GetAsync("/swagger/index.html");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("swagger-ui");
    }
}
