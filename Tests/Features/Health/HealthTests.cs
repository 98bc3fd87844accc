using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.Health;

public sealed class HealthTests(TestApp app) : IClassFixture<TestApp>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_healthy_in_the_envelope_without_a_token(string path)
    {
        (await app.GetAsync(path)).ShouldSucceed().GetProperty("status").GetString().ShouldBe("Healthy");
    }
}
