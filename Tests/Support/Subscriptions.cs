namespace SupportChat.Tests.Support;

/// <summary>Sockets that opted in to notifications (CONTRACT.md Part 2 "WebSocket additions").</summary>
public static class Subscriptions
{
    /// <summary>A new socket of <paramref name="user"/> that sent SUBSCRIBE and got SUBSCRIBED.</summary>
    public static async Task<TestSocket> SubscribedAsync(this ITestService app, TestUser user)
    {
        var socket = await app.ConnectAsync(user);
        await socket.SubscribeAsync(user);
        return socket;
    }

    public static async Task SubscribeAsync(this TestSocket socket, TestUser user)
    {
        await socket.SendAsync("SUBSCRIBE", new { });
        var subscribed = await socket.ExpectAsync("SUBSCRIBED");
        subscribed.Data.GetProperty("userId").GetString().ShouldBe(user.Id);
        subscribed.Data.GetProperty("role").GetString().ShouldBe(user.Role);
    }
}
