using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace LoadGenerator;

/// <summary>
/// Issue #14's resume benchmark: S sockets, already connected, JOIN at once with <c>sinceSeq</c> B messages behind (the
/// conversations are first filled to B messages over HTTP), and the time until the last socket holds its B replayed
/// messages. The baseline, in the same run on the same server: the same sockets LEAVE and JOIN again without
/// <c>sinceSeq</c> (a Part 1 join: no replay), time until the last JOINED_CONVERSATION. Real server only.
/// </summary>
static class ResumeScenario
{
    public static async Task<int> RunAsync(CommandLine options)
    {
        var target = BenchTarget.FromOptions(options);
        var socketCount = options.Int("sockets", 1000);
        var conversationCount = options.Int("conversations", 200);
        var behind = options.Int("behind", 200);
        var server = ProcessProbe.ForServer(options.Text("server-pid"));
        var output = options.Text("out");
        var label = options.Text("label", "");
        options.RejectUnknown();
        if (target.Bare) throw new UsageException("resume needs the real server (the relay has no transcript)");

        var conversations = await target.ConversationsAsync(conversationCount);
        // Fill every conversation to exactly `behind` messages more than it has: seq sinceSeq+1 .. last.
        var lastSeq = new int[conversations.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, conversations.Length), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (c, _) =>
        {
            for (var i = 0; i < behind; i++)
                lastSeq[c] = await target.Api.PostMessageAsync(conversations[c].Candidate!, conversations[c].Id, $"backlog {i}");
        });

        var sockets = new ClientWebSocket[socketCount];
        await Parallel.ForEachAsync(Enumerable.Range(0, socketCount), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
        {
            var conversation = conversations[i % conversations.Length];
            var account = i / conversations.Length % 2 == 0 ? conversation.Candidate! : conversation.Agent!;
            sockets[i] = new ClientWebSocket();
            await sockets[i].ConnectAsync(target.SocketUriFor(account), ct);
        });
        Console.WriteLine($"resume: {socketCount} sockets over {conversations.Length} conversations, {behind} messages behind");

        // The resume first, on connections that have joined nothing yet; then, as the baseline, a LEAVE and a plain
        // JOIN of the same sockets (no sinceSeq: nothing replayed). The first burst also pays for compiling the JOIN path.
        var (resumeSeconds, resumeCpu) = await BurstAsync(server, socketCount, i =>
            Join(conversations[i % conversations.Length].Id, lastSeq[i % conversations.Length] - behind), expected: _ => behind,
            count: frame => frame.Contains("\"replayed\":true", StringComparison.Ordinal), sockets);
        await BurstAsync(server, socketCount, i => Encoding.UTF8.GetBytes($"{{\"event\":\"LEAVE_CONVERSATION\",\"data\":{{\"conversationId\":\"{conversations[i % conversations.Length].Id}\"}}}}"),
            expected: _ => 1, count: frame => frame.Contains("\"LEFT_CONVERSATION\"", StringComparison.Ordinal), sockets);
        var (joinSeconds, joinCpu) = await BurstAsync(server, socketCount, i =>
            Join(conversations[i % conversations.Length].Id, null), expected: _ => 1, count: frame => frame.Contains("\"JOINED_CONVERSATION\"", StringComparison.Ordinal), sockets);

        var result = new RunResult
        {
            Scenario = "resume",
            Target = target.Name,
            Label = label,
            Setup =
            {
                ["sockets"] = socketCount.ToString(CultureInfo.InvariantCulture),
                ["conversations"] = conversations.Length.ToString(CultureInfo.InvariantCulture),
                ["behind"] = behind.ToString(CultureInfo.InvariantCulture),
            },
        };
        var f = result.Figures;
        f["plain_join_all_ms"] = joinSeconds * 1000;
        f["resume_all_ms"] = resumeSeconds * 1000;
        f["resume_vs_plain_join"] = resumeSeconds / joinSeconds;
        f["replayed_messages_per_s"] = socketCount * (double)behind / resumeSeconds;
        if (server is not null)
        {
            f["server_cpu_s_plain_join"] = joinCpu;
            f["server_cpu_s_resume"] = resumeCpu;
        }
        result.Print();
        result.Save(output);
        await Task.WhenAll(sockets.Select(s => s.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None)));
        return 0;
    }

    static byte[] Join(string conversationId, int? sinceSeq) => Encoding.UTF8.GetBytes(sinceSeq is { } since
        ? $"{{\"event\":\"JOIN_CONVERSATION\",\"data\":{{\"conversationId\":\"{conversationId}\",\"sinceSeq\":{since}}}}}"
        : $"{{\"event\":\"JOIN_CONVERSATION\",\"data\":{{\"conversationId\":\"{conversationId}\"}}}}");

    /// <summary>Sends every socket its frame at once; seconds until the last one has received <paramref name="expected"/> matching frames, and the server's CPU seconds meanwhile.</summary>
    static async Task<(double Seconds, double ServerCpu)> BurstAsync(ProcessProbe? server, int socketCount, Func<int, byte[]> frame,
        Func<int, int> expected, Func<string, bool> count, ClientWebSocket[] sockets)
    {
        var cpuStart = CpuSample.Take(server);
        var start = Stopwatch.GetTimestamp();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await Task.WhenAll(Enumerable.Range(0, socketCount).Select(async i =>
        {
            await sockets[i].SendAsync(frame(i), WebSocketMessageType.Text, true, timeout.Token);
            var buffer = new byte[64 * 1024];
            for (var seen = 0; seen < expected(i);)
            {
                var length = 0;
                WebSocketReceiveResult received;
                do
                {
                    received = await sockets[i].ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), timeout.Token);
                    length += received.Count;
                } while (!received.EndOfMessage);
                if (received.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException($"socket {i} was closed: {received.CloseStatusDescription}");
                var text = Encoding.UTF8.GetString(buffer, 0, length);
                if (text.Contains("\"ERROR\"", StringComparison.Ordinal)) throw new InvalidOperationException($"socket {i}: {text}");
                if (count(text)) seen++;
            }
        }));
        var seconds = Timing.Seconds(Stopwatch.GetTimestamp() - start);
        var cpuEnd = CpuSample.Take(server);
        return (seconds, cpuStart is { } a && cpuEnd is { } b ? b.CpuSeconds - a.CpuSeconds : double.NaN);
    }
}
