using System.Diagnostics;
using System.Globalization;

namespace LoadGenerator;

/// <summary>
/// C conversations, both sides sending: open loop (a fixed rate per sender) or closed loop (each sender's next
/// message leaves when its previous one has arrived). Warm-up first, then a measured window; then the senders stop
/// and the generator waits for the messages still in flight before counting losses.
/// </summary>
static class ChatScenario
{
    static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);
    static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(CommandLine options)
    {
        var target = BenchTarget.FromOptions(options);
        var conversationCount = options.Int("conversations", 200);
        var rateText = options.Text("rate");
        var closedLoop = options.Flag("closed-loop");
        if (closedLoop && rateText is not null) throw new UsageException("--closed-loop and --rate exclude each other");
        closedLoop |= rateText is null;
        var rate = rateText is null ? 0 : double.Parse(rateText, CultureInfo.InvariantCulture);
        var warmup = options.Number("warmup", 5);
        var duration = options.Number("duration", 20);
        var contentBytes = options.Int("content-bytes", 64);
        var connectParallelism = options.Int("connect-concurrency", 64);
        var server = ProcessProbe.ForServer(options.Text("server-pid"));
        var output = options.Text("out");
        var label = options.Text("label", "");
        options.RejectUnknown();

        var conversations = await target.ConversationsAsync(conversationCount);
        var traffic = new Traffic();
        var pairs = await target.ConnectPairsAsync(conversations, traffic, connectParallelism);
        var sockets = pairs.SelectMany(p => new[] { p.Candidate, p.Agent }).ToArray();
        var senders = pairs.SelectMany(p => new[] { p.Candidate, p.Agent }.Select(s => (Socket: s, p.Conversation.Id)))
            .Select((s, id) => new Sender(id, s.Socket, s.Id, contentBytes)).ToArray();
        traffic.Use(senders);
        Console.WriteLine($"chat: {pairs.Length} conversations, {sockets.Length} sockets on {target.Name}; " +
                          (closedLoop ? "closed loop" : $"open loop at {rate} msg/s per sender") + $", warm-up {warmup} s, measuring {duration} s");

        using var stop = new CancellationTokenSource();
        var start = Stopwatch.GetTimestamp();
        // Open loop: senders start spread over one period, so the offered load is smooth rather than 400 sends at once.
        var period = closedLoop ? 0 : Stopwatch.Frequency / rate;
        var loops = closedLoop
            ? senders.Select(s => s.StartClosedLoopAsync(stop.Token).AsTask()).ToArray()
            : senders.Select((s, i) => s.RunOpenLoopAsync(rate, start + (long)(period * i / senders.Length), stop.Token)).ToArray();
        var watchdog = closedLoop ? WatchForStallsAsync(senders, stop.Token) : Task.CompletedTask;

        await Timing.DelayUntilAsync(start + Timing.Ticks(warmup));
        var windowStart = Stopwatch.GetTimestamp();
        var serverCpuStart = CpuSample.Take(server);
        var selfCpuStart = CpuSample.Take(ProcessProbe.Self)!.Value;
        await Timing.DelayUntilAsync(windowStart + Timing.Ticks(duration));
        var windowEnd = Stopwatch.GetTimestamp();
        var serverCpuEnd = CpuSample.Take(server);
        var selfCpuEnd = CpuSample.Take(ProcessProbe.Self)!.Value;
        var serverRss = server?.RssKiB();
        var serverThreads = server?.Threads();

        stop.Cancel();
        await Task.WhenAll(loops);
        await watchdog;
        var drained = await Timing.WaitForAsync(() => senders.All(s => s.Deliveries.Distinct >= s.Sent), DrainTimeout, TimeSpan.FromMilliseconds(50));

        var windowSeconds = Timing.Seconds(windowEnd - windowStart);
        var inWindow = senders.SelectMany(s => s.Deliveries.All.ToArray()).Where(d => d.ReceivedAt >= windowStart && d.ReceivedAt < windowEnd).ToArray();
        var result = new RunResult
        {
            Scenario = closedLoop ? "chat-closed" : "chat-open",
            Target = target.Name,
            Label = label,
            Setup =
            {
                ["conversations"] = pairs.Length.ToString(CultureInfo.InvariantCulture),
                ["sockets"] = sockets.Length.ToString(CultureInfo.InvariantCulture),
                ["load"] = closedLoop ? "closed loop" : $"open loop, {rate.ToString(CultureInfo.InvariantCulture)} msg/s per sender",
                ["warmup_s"] = warmup.ToString(CultureInfo.InvariantCulture),
                ["window_s"] = windowSeconds.ToString("0.00", CultureInfo.InvariantCulture),
                ["content_bytes"] = contentBytes.ToString(CultureInfo.InvariantCulture),
            },
        };
        var f = result.Figures;
        f["delivered_per_s"] = inWindow.Length / windowSeconds;
        if (!closedLoop) f["offered_per_s"] = rate * senders.Length;
        new LatencyStats(inWindow.Select(d => d.LatencyTicks)).AddTo(f);
        AddIntegrity(f, senders, sockets, traffic);
        if (closedLoop) f["stalled_waits"] = senders.Sum(s => s.Stalls);
        else
        {
            f["generator_late_sends"] = senders.Sum(s => s.LateSends);
            f["generator_max_schedule_lag_ms"] = LatencyStats.ToMs(senders.Max(s => s.MaxLagTicks));
        }
        if (serverCpuStart is { } cpuStart && serverCpuEnd is { } cpuEnd)
        {
            var cpuSeconds = cpuEnd.CpuSeconds - cpuStart.CpuSeconds;
            f["server_cpu_cores"] = cpuStart.CoresUntil(cpuEnd);
            f["server_cpu_s_per_1000_msgs"] = cpuSeconds / inWindow.Length * 1000;
            f["server_rss_mib"] = serverRss!.Value / 1024.0;
            f["server_threads"] = serverThreads!.Value;
        }
        f["generator_cpu_cores"] = selfCpuStart.CoresUntil(selfCpuEnd);
        // Pinned to one core, a generator near 100% caps the rate itself: the figure is then a floor of the target's.
        if (f["generator_cpu_cores"] > 0.9) result.Notes.Add("the generator used more than 90% of a core: it may be what limits the rate");
        if (!drained) result.Notes.Add($"some messages were still missing {DrainTimeout.TotalSeconds} s after the senders stopped: counted as lost");
        result.Print();
        result.Save(output);

        await Task.WhenAll(sockets.Select(s => s.DisposeAsync().AsTask()));
        return 0;
    }

    /// <summary>Losses, duplicates and reordering over the whole run (warm-up included), plus anything else that went wrong.</summary>
    public static void AddIntegrity(Figures f, IEnumerable<Sender> senders, IEnumerable<ChatSocket> sockets, Traffic traffic)
    {
        f["sent_total"] = senders.Sum(s => s.Sent);
        f["lost"] = senders.Sum(s => Math.Max(0, s.Sent - s.Deliveries.Distinct));
        f["duplicated"] = senders.Sum(s => s.Deliveries.Duplicates);
        f["out_of_order"] = senders.Sum(s => s.Deliveries.OutOfOrder);
        f["error_frames"] = sockets.Sum(s => s.Errors);
        f["unexpected_frames"] = traffic.Unexpected;
        f["dropped_sockets"] = sockets.Count(s => s.Dropped);
    }

    static async Task WatchForStallsAsync(Sender[] senders, CancellationToken stop)
    {
        var stallTicks = Timing.Ticks(StallTimeout.TotalSeconds);
        try
        {
            while (true)
            {
                await Task.Delay(500, stop);
                var now = Stopwatch.GetTimestamp();
                foreach (var sender in senders) await sender.ReleaseIfStalledAsync(now, stallTicks);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
