using System.Diagnostics;

namespace LoadGenerator;

static class Timing
{
    public static long Ticks(double seconds) => (long)(seconds * Stopwatch.Frequency);

    public static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    public static async Task DelayUntilAsync(long timestamp)
    {
        var wait = timestamp - Stopwatch.GetTimestamp();
        if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(Seconds(wait)));
    }

    /// <summary>Polls <paramref name="done"/> until it holds or the timeout passes; true if it held.</summary>
    public static async Task<bool> WaitForAsync(Func<bool> done, TimeSpan timeout, TimeSpan poll)
    {
        var deadline = Stopwatch.GetTimestamp() + Ticks(timeout.TotalSeconds);
        while (!done())
        {
            if (Stopwatch.GetTimestamp() > deadline) return false;
            await Task.Delay(poll);
        }
        return true;
    }
}
