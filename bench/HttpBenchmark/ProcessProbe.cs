using System.Diagnostics;

namespace HttpBenchmark;

/// <summary>
/// CPU time of a process read from /proc, as the kernel accounts it: no agent inside the server, so any release is
/// measured the same way. The same approach as bench/LoadGenerator/ProcessProbe.cs, copied because this is a
/// separate project.
/// </summary>
sealed class ProcessProbe(int pid)
{
    static readonly Lazy<int> TicksPerSecond = new(ReadClockTicks);

    public static ProcessProbe Self { get; } = new(Environment.ProcessId);

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

    /// <summary>
    /// CPU seconds every core of the machine spent busy (all but idle and iowait), from /proc/stat: what the server
    /// and the generator did not use of it was someone else's, the noise a shared machine adds to a run.
    /// </summary>
    public static double MachineBusySeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // cpu user nice system idle iowait irq softirq steal ...; guest time is already inside user.
        long busy = 0;
        for (var i = 1; i <= 8 && i < fields.Length; i++)
            if (i is not 4 and not 5) busy += long.Parse(fields[i]);
        return busy / (double)TicksPerSecond.Value;
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
