using System.Diagnostics;
using System.Globalization;

namespace LoadGenerator;

/// <summary>
/// K conversations each holding M live messages are closed at once by their agents (CLOSE_CONVERSATION), while B other
/// conversations keep chatting at a fixed rate. Measures how long until every candidate has CONVERSATION_CLOSED, and
/// what the burst does to the other rooms' latency. A few warm-up closes, one at a time, come first. Real server only:
/// the relay has no conversations to close.
/// </summary>
static class CloseBurstScenario
{
    static readonly TimeSpan FillTimeout = TimeSpan.FromSeconds(60);
    static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(60);
    static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(CommandLine options)
    {
        var target = BenchTarget.FromOptions(options);
        if (target.Bare) throw new UsageException("close-burst needs the real server: the bare relay has nothing to close");
        var burstCount = options.Int("burst-conversations", 100);
        var messagesEach = options.Int("burst-messages", 200);
        var backgroundCount = options.Int("background-conversations", 50);
        var backgroundRate = options.Number("background-rate", 5);
        var before = options.Number("before", 10);
        var after = options.Number("after", 5);
        var warmupCloses = options.Int("warmup-closes", 5);
        var contentBytes = options.Int("content-bytes", 64);
        var connectParallelism = options.Int("connect-concurrency", 64);
        var server = ProcessProbe.ForServer(options.Text("server-pid"));
        var output = options.Text("out");
        var label = options.Text("label", "");
        options.RejectUnknown();

        var conversations = await target.ConversationsAsync(burstCount + backgroundCount + warmupCloses);
        var traffic = new Traffic();
        var pairs = await target.ConnectPairsAsync(conversations, traffic, connectParallelism);
        var senders = pairs.SelectMany(p => new[] { p.Candidate, p.Agent }.Select(s => (Socket: s, p.Conversation.Id)))
            .Select((s, id) => new Sender(id, s.Socket, s.Id, contentBytes)).ToArray();
        traffic.Use(senders);
        var burst = pairs[..burstCount];
        var warmup = pairs[(burstCount + backgroundCount)..];
        var burstSenders = senders[..(2 * burstCount)];
        var backgroundSenders = senders[(2 * burstCount)..(2 * (burstCount + backgroundCount))];
        Console.WriteLine($"close-burst: {burstCount} conversations × {messagesEach} messages to close, {backgroundCount} others at {backgroundRate} msg/s per sender");

        using var stop = new CancellationTokenSource();
        var start = Stopwatch.GetTimestamp();
        var period = Stopwatch.Frequency / backgroundRate;
        var background = backgroundSenders.Select((s, i) => s.RunOpenLoopAsync(backgroundRate, start + (long)(period * i / backgroundSenders.Length), stop.Token)).ToArray();

        // A fresh server pays once for its first closes (JIT, EF query compilation): a few closes one at a time first,
        // so the burst measures closing, not starting up.
        var warmupStart = Stopwatch.GetTimestamp();
        foreach (var pair in warmup)
        {
            var pairSenders = senders[(2 * pair.Conversation.Index)..(2 * pair.Conversation.Index + 2)];
            await Task.WhenAll(pairSenders.Select(s => s.SendBatchAsync(5)));
            await Timing.WaitForAsync(() => pairSenders.All(s => s.Deliveries.Distinct >= s.Sent), FillTimeout, TimeSpan.FromMilliseconds(5));
            await pair.Agent.SendAsync(WireFrames.Close(pair.Conversation.Id));
            await Timing.WaitForAsync(() => pair.Candidate.ClosedAt != 0 || pair.Agent.Errors > 0, CloseTimeout, TimeSpan.FromMilliseconds(5));
        }
        var warmupSeconds = Timing.Seconds(Stopwatch.GetTimestamp() - warmupStart);
        if (warmup.Length > 0) Console.WriteLine($"close-burst: {warmup.Length} warm-up closes one at a time took {warmupSeconds:0.00} s");

        // Fill: candidate and agent each send half of the live transcript, as fast as the server takes them.
        var fillStart = Stopwatch.GetTimestamp();
        await Task.WhenAll(burstSenders.Select((s, i) => s.SendBatchAsync(messagesEach / 2 + (i % 2 == 0 ? messagesEach % 2 : 0))));
        var filled = await Timing.WaitForAsync(() => burstSenders.All(s => s.Deliveries.Distinct >= s.Sent), FillTimeout, TimeSpan.FromMilliseconds(20));
        var fillSeconds = Timing.Seconds(Stopwatch.GetTimestamp() - fillStart);
        Console.WriteLine($"close-burst: {burstSenders.Sum(s => s.Sent)} live messages in {fillSeconds:0.0} s{(filled ? "" : " (NOT all delivered)")}; background only for {before} s");
        await Task.Delay(TimeSpan.FromSeconds(1 + before));

        // All closes leave together; each agent socket's sender is done, so the close is that socket's only writer.
        var serverCpuStart = CpuSample.Take(server);
        var burstStart = Stopwatch.GetTimestamp();
        await Task.WhenAll(burst.Select(p => p.Agent.SendAsync(WireFrames.Close(p.Conversation.Id)).AsTask()));
        var allClosed = await Timing.WaitForAsync(() => burst.All(p => p.Candidate.ClosedAt != 0 || p.Agent.Errors > 0), CloseTimeout, TimeSpan.FromMilliseconds(2));
        var closedAt = burst.Where(p => p.Candidate.ClosedAt != 0).Select(p => p.Candidate.ClosedAt).ToArray();
        var burstEnd = closedAt.Length > 0 ? closedAt.Max() : Stopwatch.GetTimestamp();
        var serverCpuEnd = CpuSample.Take(server);
        Console.WriteLine($"close-burst: {closedAt.Length}/{burstCount} CONVERSATION_CLOSED, the last after {LatencyStats.ToMs(burstEnd - burstStart):0} ms");

        await Task.Delay(TimeSpan.FromSeconds(after));
        var afterEnd = Stopwatch.GetTimestamp();
        var serverRss = server?.RssKiB();
        stop.Cancel();
        await Task.WhenAll(background);
        await Timing.WaitForAsync(() => backgroundSenders.All(s => s.Deliveries.Distinct >= s.Sent), DrainTimeout, TimeSpan.FromMilliseconds(50));

        // The transcripts must be in the database once the close answered: read every one back.
        var persisted = 0;
        await Parallel.ForEachAsync(burst, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (pair, _) =>
        {
            var (status, messages) = await target.Api.GetConversationAsync(pair.Conversation.Candidate!, pair.Conversation.Id);
            if (status == "closed" && messages == messagesEach) Interlocked.Increment(ref persisted);
        });
        foreach (var pair in burst.Concat(warmup)) target.Roster!.Pairs[pair.Conversation.Index].ConversationId = null;   // the next run opens new ones
        target.SaveRoster();

        var result = new RunResult
        {
            Scenario = "close-burst",
            Target = target.Name,
            Label = label,
            Setup =
            {
                ["burst_conversations"] = burstCount.ToString(CultureInfo.InvariantCulture),
                ["messages_each"] = messagesEach.ToString(CultureInfo.InvariantCulture),
                ["background_conversations"] = backgroundCount.ToString(CultureInfo.InvariantCulture),
                ["background_rate"] = $"{backgroundRate.ToString(CultureInfo.InvariantCulture)} msg/s per sender",
                ["before_s"] = before.ToString(CultureInfo.InvariantCulture),
                ["after_s"] = after.ToString(CultureInfo.InvariantCulture),
                ["warmup_closes"] = warmupCloses.ToString(CultureInfo.InvariantCulture),
            },
        };
        var f = result.Figures;
        f["warmup_closes_seconds"] = warmupSeconds;
        f["fill_seconds"] = fillSeconds;
        f["closed_received"] = closedAt.Length;
        var closeTimes = new LatencyStats(closedAt.Select(t => t - burstStart));
        f["close_p50_ms"] = closeTimes.PercentileMs(50);
        f["close_p99_ms"] = closeTimes.PercentileMs(99);
        f["close_max_ms"] = closeTimes.MaxMs;
        f["close_refusals"] = burst.Concat(warmup).Sum(p => p.Agent.Errors);
        f["transcripts_persisted"] = persisted;
        // The other rooms, by when each message was sent: before the closes, while they ran, after the last one landed.
        var deliveries = backgroundSenders.SelectMany(s => s.Deliveries.All.ToArray()).ToArray();
        var beforeStats = Window(deliveries, burstStart - Timing.Ticks(before), burstStart);
        var duringStats = Window(deliveries, burstStart, burstEnd + 1);
        var afterStats = Window(deliveries, burstEnd + 1, afterEnd);
        f["background_before_count"] = beforeStats.Count;
        f["background_before_p50_ms"] = beforeStats.PercentileMs(50);
        f["background_before_p99_ms"] = beforeStats.PercentileMs(99);
        f["background_during_count"] = duringStats.Count;
        f["background_during_p50_ms"] = duringStats.PercentileMs(50);
        f["background_during_p99_ms"] = duringStats.PercentileMs(99);
        f["background_during_max_ms"] = duringStats.MaxMs;
        f["background_after_p99_ms"] = afterStats.PercentileMs(99);
        ChatScenario.AddIntegrity(f, senders, pairs.SelectMany(p => new[] { p.Candidate, p.Agent }), traffic);
        if (serverCpuStart is { } cpuStart && serverCpuEnd is { } cpuEnd)
        {
            f["server_cpu_s_during_burst"] = cpuEnd.CpuSeconds - cpuStart.CpuSeconds;
            f["server_rss_mib"] = serverRss!.Value / 1024.0;
        }
        if (!filled) result.Notes.Add("the fill did not arrive completely before the closes");
        if (!allClosed) result.Notes.Add($"not every candidate had CONVERSATION_CLOSED after {CloseTimeout.TotalSeconds} s");
        foreach (var error in burst.Concat(warmup).Select(p => p.Agent.LastError).OfType<string>().Distinct())
            result.Notes.Add($"a close was refused: {error}");
        result.Print();
        result.Save(output);

        await Task.WhenAll(pairs.SelectMany(p => new[] { p.Candidate, p.Agent }).Select(s => s.DisposeAsync().AsTask()));
        return 0;
    }

    static LatencyStats Window(Delivery[] deliveries, long from, long until) =>
        new(deliveries.Where(d => d.SentAt >= from && d.SentAt < until).Select(d => d.LatencyTicks));
}
