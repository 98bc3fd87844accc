using System.Diagnostics;

namespace LoadGenerator;

/// <summary>One delivered message: when its sender stamped it and when the receiving socket read it (Stopwatch ticks).</summary>
readonly record struct Delivery(long SentAt, long ReceivedAt)
{
    public long LatencyTicks => ReceivedAt - SentAt;
}

/// <summary>
/// What arrived from one sender. Each sender has exactly one receiving socket (the other side of its conversation),
/// so only that socket's receive loop writes here; the scenario reads it after the traffic has drained.
/// </summary>
sealed class DeliveryLog
{
    ulong[] _seen = new ulong[16];
    long _highest = -1;
    Delivery[] _deliveries = new Delivery[256];
    int _count;

    public long Distinct { get; private set; }
    public long Duplicates { get; private set; }
    /// <summary>Arrived after a later sequence number of the same sender had already arrived.</summary>
    public long OutOfOrder { get; private set; }

    public ReadOnlySpan<Delivery> All => _deliveries.AsSpan(0, _count);

    public void Record(long sequence, long sentAt, long receivedAt)
    {
        var word = (int)(sequence >> 6);
        if (word >= _seen.Length) Array.Resize(ref _seen, Math.Max(_seen.Length * 2, word + 1));
        var bit = 1UL << (int)(sequence & 63);
        if ((_seen[word] & bit) != 0)
        {
            Duplicates++;
            return;
        }
        _seen[word] |= bit;
        Distinct++;
        if (sequence < _highest) OutOfOrder++;
        else _highest = sequence;
        if (_count == _deliveries.Length) Array.Resize(ref _deliveries, _count * 2);
        _deliveries[_count++] = new Delivery(sentAt, receivedAt);
    }
}

/// <summary>Latency distribution of a set of deliveries, nearest-rank percentiles in milliseconds.</summary>
sealed class LatencyStats
{
    readonly long[] _sortedTicks;

    public LatencyStats(IEnumerable<long> latencyTicks)
    {
        _sortedTicks = [.. latencyTicks];
        Array.Sort(_sortedTicks);
    }

    public int Count => _sortedTicks.Length;

    public double PercentileMs(double percentile)
    {
        if (_sortedTicks.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(percentile / 100 * _sortedTicks.Length) - 1;
        return ToMs(_sortedTicks[Math.Clamp(rank, 0, _sortedTicks.Length - 1)]);
    }

    public double MaxMs => _sortedTicks.Length == 0 ? double.NaN : ToMs(_sortedTicks[^1]);

    public static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public void AddTo(Figures figures, string prefix = "latency")
    {
        figures[$"{prefix}_p50_ms"] = PercentileMs(50);
        figures[$"{prefix}_p90_ms"] = PercentileMs(90);
        figures[$"{prefix}_p99_ms"] = PercentileMs(99);
        figures[$"{prefix}_p99.9_ms"] = PercentileMs(99.9);
        figures[$"{prefix}_max_ms"] = MaxMs;
    }
}
