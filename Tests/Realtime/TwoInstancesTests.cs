using System.Net;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>The test-support <see cref="TwoInstances"/> itself: two processes of one deployment, one killed and started again.</summary>
[Trait("Engine", "Redis")]
public sealed class TwoInstancesTests
{
    [Fact]
    public async Task Both_instances_serve_one_database_and_a_killed_one_comes_back_on_it()
    {
        await using var instances = await TwoInstances.StartAsync();
        instances.A.BaseAddress.ShouldNotBe(instances.B.BaseAddress);
        var user = await instances.A.NewUserAsync("candidate");
        (await instances.B.LoginAsync(user.Email)).ShouldNotBeNullOrEmpty();

        await instances.KillAsync(0);
        Should.Throw<InvalidOperationException>(() => instances.A);
        (await instances.B.GetAsync("/auth/me", user.Token)).ShouldSucceed().GetProperty("_id").GetString().ShouldBe(user.Id);

        var again = await instances.StartAgainAsync(0);
        (await again.GetAsync("/auth/me", user.Token)).ShouldSucceed().GetProperty("email").GetString().ShouldBe(user.Email);
        (await instances.TerminateAsync(1)).ShouldBe(0);
        (await again.GetAsync("/health/ready")).Status.ShouldBe(HttpStatusCode.OK);
    }
}
