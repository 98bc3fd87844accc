using System.Net.Sockets;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>The test-support <see cref="RedisServer"/> itself: what the Redis failure tests rely on when they stop and restart it.</summary>
[Trait("Engine", "Redis")]
public sealed class RedisServerTests
{
    [Fact]
    public async Task A_server_answers_on_its_port_stops_and_starts_again_on_the_same_port()
    {
        await using var server = await RedisServer.StartAsync();
        server.ConfigurationString.ShouldBe($"127.0.0.1:{server.Port}");
        (await server.CommandAsync("PING")).ShouldBe("PONG");

        await server.StopAsync();
        server.IsRunning.ShouldBeFalse();
        await Should.ThrowAsync<SocketException>(() => server.CommandAsync("PING"));

        var port = server.Port;
        await server.StartAgainAsync();
        server.Port.ShouldBe(port);
        (await server.CommandAsync("PING")).ShouldBe("PONG");
    }

    [Fact]
    public async Task With_the_append_only_file_a_write_survives_a_kill()
    {
        await using var server = await RedisServer.StartAsync(appendOnly: true);
        (await server.CommandAsync("SET", "survivor", "still here")).ShouldBe("OK");

        await server.StopAsync();
        await server.StartAgainAsync();

        (await server.CommandAsync("GET", "survivor")).ShouldBe("still here");
    }

    [Fact]
    public async Task Without_persistence_a_kill_loses_every_key()
    {
        await using var server = await RedisServer.StartAsync();
        (await server.CommandAsync("SET", "gone", "soon")).ShouldBe("OK");
        (await server.CommandAsync("GET", "gone")).ShouldBe("soon");

        await server.StopAsync();
        await server.StartAgainAsync();

        (await server.CommandAsync("GET", "gone")).ShouldBeNull();
        (await server.CommandAsync("DBSIZE")).ShouldBe("0");
    }

    [Fact]
    public async Task Two_servers_get_ports_of_their_own_and_dispose_removes_the_directory()
    {
        string directory;
        await using (var first = await RedisServer.StartAsync())
        await using (var second = await RedisServer.StartAsync())
        {
            second.Port.ShouldNotBe(first.Port);
            await first.CommandAsync("SET", "only-here", "1");
            (await second.CommandAsync("EXISTS", "only-here")).ShouldBe("0");
            directory = first.Directory;
            Directory.Exists(directory).ShouldBeTrue();
        }
        Directory.Exists(directory).ShouldBeFalse();
    }

    [Fact]
    public async Task An_error_reply_throws()
    {
        await using var server = await RedisServer.StartAsync();
        (await Should.ThrowAsync<InvalidOperationException>(() => server.CommandAsync("NO-SUCH-COMMAND"))).Message.ShouldContain("ERR");
    }
}
