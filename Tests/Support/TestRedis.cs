namespace SupportChat.Tests.Support;

/// <summary>
/// The Redis of the suite's Redis pass: SUPPORTCHAT_TEST_REDIS (a StackExchange.Redis configuration string, set by
/// scripts/test.sh with the PostgreSQL provider), or none, and then every service runs today's in-process engine.
/// </summary>
public static class TestRedis
{
    /// <summary>The configuration string every test service gets as <c>Redis:Configuration</c>, or null outside the Redis pass.</summary>
    public static string? Configuration { get; } =
        Environment.GetEnvironmentVariable("SUPPORTCHAT_TEST_REDIS") is { Length: > 0 } value ? value : null;

    /// <summary>A key prefix no other deployment on the shared server uses.</summary>
    public static string NewKeyPrefix() => $"t-{Guid.NewGuid():N}:";
}
