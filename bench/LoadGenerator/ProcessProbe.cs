using System.Diagnostics;

namespace LoadGenerator;

/// <summary>
/// CPU time and memory of a process read from /proc, as the kernel accounts them: no agent inside the server, so the
/// real server and the bare relay are measured the same way.
/// </summary>
sealed class ProcessProbe(int pid)
{
    static readonly Lazy<int> TicksPerSecond = new(ReadClockTicks);

    public static ProcessProbe Self { get; } = new(Environment.ProcessId);

    public int Pid => pid;

    /// <summary>utime + stime, in seconds.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may hold spaces and parentheses; the fields after its closing ')' are fixed.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[14 - 3]);
        var stime = long.Parse(fields[15 - 3]);
        return (utime + stime) / (double)TicksPerSecond.Value;
    }

    public long RssKiB() => StatusValue("VmRSS:");

    public long Threads() => StatusValue("Threads:");

    long StatusValue(string key)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0]);
        throw new InvalidOperationException($"/proc/{pid}/status has no {key}");
    }

    public static ProcessProbe? ForServer(int? pid)
    {
        if (pid is null) return null;
        if (!File.Exists($"/proc/{pid}/stat")) throw new UsageException($"--server-pid {pid}: no such process");
        return new ProcessProbe(pid.Value);
    }

    /// <summary>The kernel's USER_HZ, the unit of utime and stime (100 on Linux almost everywhere).</summary>
    static int ReadClockTicks()
    {
        try
        {
            using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true })!;
            var output = getconf.StandardOutput.ReadToEnd().Trim();
            getconf.WaitForExit();
            return int.TryParse(output, out var ticks) && ticks > 0 ? ticks : 100;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return 100;
        }
    }
}

/// <summary>CPU of a process between two instants.</summary>
readonly record struct CpuSample(double CpuSeconds, long Timestamp)
{
    public static CpuSample? Take(ProcessProbe? probe) => probe is null ? null : new CpuSample(probe.CpuSeconds(), Stopwatch.GetTimestamp());

    /// <summary>Share of one core used from this sample to <paramref name="later"/> (1.0 = a whole core).</summary>
    public double CoresUntil(CpuSample later) =>
        (later.CpuSeconds - CpuSeconds) / Stopwatch.GetElapsedTime(Timestamp, later.Timestamp).TotalSeconds;
}
