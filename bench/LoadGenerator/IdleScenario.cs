using System.Diagnostics;
using System.Globalization;

namespace LoadGenerator;

/// <summary>
/// N sockets that connect, authenticate and join, then sit idle: the connect+auth+JOIN rate with a few hundred
/// connects in flight, and what one idle joined socket costs the server in resident memory. Users are reused: the
/// sockets are spread over C conversations as many browser tabs of their candidate and agent.
/// </summary>
static class IdleScenario
{
    public static async Task<int> RunAsync(CommandLine options)
    {
        var target = BenchTarget.FromOptions(options);
        var socketCount = options.Int("sockets", 10_000);
        var conversationCount = options.Int("conversations", 200);
        var concurrency = options.Int("connect-concurrency", 256);
        var settle = options.Number("settle", 5);
        var hold = options.Number("hold", 10);
        var warmupSockets = options.Int("warmup-sockets", 1000);
        var server = ProcessProbe.ForServer(options.Text("server-pid"));
        var output = options.Text("out");
        var label = options.Text("label", "");
        options.RejectUnknown();

        var conversations = await target.ConversationsAsync(conversationCount);
        // A fresh process compiles its connect and JOIN path on the first few hundred sockets; the measured connects
        // are the steady state, as for the chat runs' warm-up. The warm-up sockets are closed again before the baseline.
        if (warmupSockets > 0)
        {
            var warmup = new ChatSocket?[warmupSockets];
            await Parallel.ForEachAsync(Enumerable.Range(0, warmupSockets), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
            {
                var conversation = conversations[i % conversations.Length];
                warmup[i] = await target.ConnectAsync(conversation, i / conversations.Length % 2 == 0 ? conversation.Candidate : conversation.Agent, null);
            });
            await Task.WhenAll(warmup.Select(s => s!.DisposeAsync().AsTask()));
        }
        // The server has just started or just finished the setup: let it settle before the baseline, as after the sockets.
        await Task.Delay(TimeSpan.FromSeconds(settle));
        var rssBefore = server?.RssKiB();
        Console.WriteLine($"idle: {socketCount} sockets over {conversations.Length} conversations on {target.Name}, {concurrency} connects in flight" +
                          (rssBefore is { } rss ? $"; server RSS before: {rss / 1024.0:0.0} MiB" : ""));

        var sockets = new ChatSocket?[socketCount];
        var connectTicks = new long[socketCount];
        var failures = 0;
        string? firstFailure = null;
        var serverCpuStart = CpuSample.Take(server);
        var selfCpuStart = CpuSample.Take(ProcessProbe.Self)!.Value;
        var start = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, socketCount), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
        {
            var conversation = conversations[i % conversations.Length];
            // Tabs alternate between the candidate's and the agent's side of each conversation.
            var account = i / conversations.Length % 2 == 0 ? conversation.Candidate : conversation.Agent;
            var began = Stopwatch.GetTimestamp();
            try
            {
                sockets[i] = await target.ConnectAsync(conversation, account, null);
                connectTicks[i] = Stopwatch.GetTimestamp() - began;
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref failures);
                Interlocked.CompareExchange(ref firstFailure, e.Message, null);
            }
        });
        var connectEnd = Stopwatch.GetTimestamp();
        var serverCpuEnd = CpuSample.Take(server);
        var selfCpuEnd = CpuSample.Take(ProcessProbe.Self)!.Value;
        var connected = sockets.Count(s => s is not null);
        var connectSeconds = Timing.Seconds(connectEnd - start);
        Console.WriteLine($"idle: {connected} connected in {connectSeconds:0.00} s ({connected / connectSeconds:0} sockets/s), {failures} failed");

        await Task.Delay(TimeSpan.FromSeconds(settle));
        var rssAfter = server?.RssKiB();
        var threads = server?.Threads();
        await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, hold - settle)));
        var open = sockets.Count(s => s is { IsOpen: true });

        var result = new RunResult
        {
            Scenario = "idle",
            Target = target.Name,
            Label = label,
            Setup =
            {
                ["sockets"] = socketCount.ToString(CultureInfo.InvariantCulture),
                ["conversations"] = conversations.Length.ToString(CultureInfo.InvariantCulture),
                ["connects_in_flight"] = concurrency.ToString(CultureInfo.InvariantCulture),
                ["warmup_sockets"] = warmupSockets.ToString(CultureInfo.InvariantCulture),
                ["settle_s"] = settle.ToString(CultureInfo.InvariantCulture),
                ["hold_s"] = Math.Max(hold, settle).ToString(CultureInfo.InvariantCulture),
            },
        };
        var f = result.Figures;
        f["connected"] = connected;
        f["connect_failures"] = failures;
        f["connect_per_s"] = connected / connectSeconds;
        var perSocket = new LatencyStats(connectTicks.Where(t => t > 0));
        f["connect_p50_ms"] = perSocket.PercentileMs(50);
        f["connect_p99_ms"] = perSocket.PercentileMs(99);
        f["connect_max_ms"] = perSocket.MaxMs;
        f["generator_cpu_cores_connecting"] = selfCpuStart.CoresUntil(selfCpuEnd);
        if (server is not null)
        {
            f["server_cpu_cores_connecting"] = serverCpuStart!.Value.CoresUntil(serverCpuEnd!.Value);
            f["server_cpu_s_per_1000_connects"] = (serverCpuEnd!.Value.CpuSeconds - serverCpuStart!.Value.CpuSeconds) / connected * 1000;
            f["server_rss_before_mib"] = rssBefore!.Value / 1024.0;
            f["server_rss_after_mib"] = rssAfter!.Value / 1024.0;
            f["server_rss_per_socket_kib"] = (rssAfter.Value - rssBefore.Value) / (double)connected;
            f["server_threads"] = threads!.Value;
        }
        f["still_open_after_hold"] = open;
        f["error_frames"] = sockets.Sum(s => s?.Errors ?? 0);
        if (firstFailure is not null) result.Notes.Add($"first connect failure: {firstFailure}");
        result.Print();
        result.Save(output);

        await Task.WhenAll(sockets.Where(s => s is not null).Select(s => s!.DisposeAsync().AsTask()));
        return 0;
    }
}
