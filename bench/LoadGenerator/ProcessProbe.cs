using System.Diagnostics;

namespace LoadGenerator;

/// <summary>
/// CPU time and memory of a process read from /proc, as the kernel accounts them: no agent inside the server, so the
/// real server and the bare relay are measured the same way. Several processes (the instances of a scale-out run,
/// <c>--server-pid A,B</c>) are measured as one: their CPU, RSS and threads added up.
/// </summary>
sealed class ProcessProbe(params int[] pids)
{
    static readonly Lazy<int> TicksPerSecond = new(ReadClockTicks);

    public static ProcessProbe Self { get; } = new(Environment.ProcessId);

    /// <summary>utime + stime, in seconds (summed over the processes).</summary>
    public double CpuSeconds() => pids.Sum(CpuSecondsOf);

    static double CpuSecondsOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may hold spaces and parentheses; the fields after its closing ')' are fixed.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[14 - 3]);
        var stime = long.Parse(fields[15 - 3]);
        return (utime + stime) / (double)TicksPerSecond.Value;
    }

    public long RssKiB() => pids.Sum(pid => StatusValue(pid, "VmRSS:"));

    public long Threads() => pids.Sum(pid => StatusValue(pid, "Threads:"));

    static long StatusValue(int pid, string key)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0]);
        throw new InvalidOperationException($"/proc/{pid}/status has no {key}");
    }

    /// <summary>The processes of <c>--server-pid PID[,PID...]</c>, or null without the option.</summary>
    public static ProcessProbe? ForServer(string? pidList)
    {
        if (pidList is null) return null;
        var pids = pidList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.TryParse(p, out var pid) ? pid : throw new UsageException($"--server-pid {pidList}: '{p}' is not a process id")).ToArray();
        if (pids.Length == 0) throw new UsageException("--server-pid needs a process id");
        foreach (var pid in pids)
            if (!File.Exists($"/proc/{pid}/stat")) throw new UsageException($"--server-pid {pid}: no such process");
        return new ProcessProbe(pids);
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
