using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Identity;

// What one login's password check costs on this machine: the current release's PBKDF2 (ASP.NET Core Identity's
// PasswordHasher<T>, V3 defaults) as the baseline, and bcrypt (BCrypt.Net-Next) at several work factors, as the
// ratio to that baseline measured in the same run. Single-threaded on purpose: a verify never spans cores, so the
// time of one verify on one core is both a login's latency floor and, inverted, what one core can serve.
const string usage = """
    usage: PasswordHashBenchmark [options]     (run it pinned: taskset -c 1 dotnet bin/Release/net10.0/PasswordHashBenchmark.dll)

      --rounds N            measured verifies per scheme (default 21)
      --warmup N            unmeasured verifies per scheme first (default 2)
      --work-factors LIST   bcrypt work factors (default 10,11,12,13)
      --target-ms MS        the p50 a recommended work factor must stay under (default 250)
      --max-seconds S       stop measuring after S seconds, at least 3 rounds each (default 240)
    """;

var options = ParseOptions(args);
if (options is null)
{
    Console.WriteLine(usage);
    return args.Length > 0 && args[0] is "-h" or "--help" ? 0 : 2;
}

const string password = "bench-password-1";
var schemes = new List<Scheme> { Scheme.Pbkdf2(password) };
schemes.AddRange(options.WorkFactors.Select(wf => Scheme.Bcrypt(password, wf)));

Console.WriteLine($"# password verify, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"machine: nproc {Environment.ProcessorCount} usable by this process (affinity), {MachineCores()} online; CPU {CpuModel()}; " +
                  $"{RuntimeInformation.FrameworkDescription}; load average {LoadAverage()} at start");
Console.WriteLine($"baseline hash: {schemes[0].Describe}");
foreach (var scheme in schemes) for (var i = 0; i < options.Warmup; i++) scheme.VerifyOnce();

// Rounds interleave the schemes (and rotate which goes first), so a burst of load from another tenant of this shared
// machine lands on all of them instead of on whichever happened to be measured at that moment.
var total = Stopwatch.StartNew();
var rounds = 0;
for (; rounds < options.Rounds && (rounds < 3 || total.Elapsed.TotalSeconds < options.MaxSeconds); rounds++)
    for (var k = 0; k < schemes.Count; k++)
        schemes[(rounds + k) % schemes.Count].MeasureOnce();
var loadAtEnd = LoadAverage();

var baseline = schemes[0].Percentile(50);
Console.WriteLine();
Console.WriteLine($"{rounds} measured verifies per scheme, interleaved, {total.Elapsed.TotalSeconds:0} s; load average {loadAtEnd} at end");
Console.WriteLine();
Console.WriteLine("| scheme | min ms | p50 ms | p90 ms | max ms | p50 / PBKDF2 | verifies/s on one core (1000 / p50) | logins/s a 2-core login flood saturates at (2 × that) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
foreach (var scheme in schemes)
{
    var p50 = scheme.Percentile(50);
    Console.WriteLine($"| {scheme.Name} | {Ms(scheme.Percentile(0))} | **{Ms(p50)}** | {Ms(scheme.Percentile(90))} | {Ms(scheme.Percentile(100))} | " +
                      $"{p50 / baseline:0.00}× | {1000 / p50:0.0} | {2000 / p50:0.0} |");
}

var fitting = schemes.Where(s => s.WorkFactor is not null && s.Percentile(50) < options.TargetMs).Select(s => s.WorkFactor!.Value).ToList();
Console.WriteLine();
Console.WriteLine(fitting.Count == 0
    ? $"no measured work factor verifies under {options.TargetMs:0} ms p50 on one core here"
    : $"largest work factor with p50 under {options.TargetMs:0} ms on one core: {fitting.Max()}");
return 0;

static string Ms(double value) => value.ToString(value >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture);

static Options? ParseOptions(string[] args)
{
    var options = new Options();
    for (var i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        switch (args[i])
        {
            case "--rounds": options = options with { Rounds = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
            case "--warmup": options = options with { Warmup = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
            case "--work-factors": options = options with { WorkFactors = [.. Value().Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture))] }; break;
            case "--target-ms": options = options with { TargetMs = double.Parse(Value(), CultureInfo.InvariantCulture) }; break;
            case "--max-seconds": options = options with { MaxSeconds = double.Parse(Value(), CultureInfo.InvariantCulture) }; break;
            default: return null;
        }
    }
    return options.Rounds >= 1 ? options : null;
}

static string CpuModel() =>
    File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

static int MachineCores() => File.ReadLines("/proc/cpuinfo").Count(l => l.StartsWith("processor", StringComparison.Ordinal));

sealed record Options
{
    public int Rounds { get; init; } = 21;
    public int Warmup { get; init; } = 2;
    public int[] WorkFactors { get; init; } = [10, 11, 12, 13];
    public double TargetMs { get; init; } = 250;
    public double MaxSeconds { get; init; } = 240;
}

/// <summary>One password scheme: a hash made once, then verified repeatedly against the right password, as login does.</summary>
sealed class Scheme
{
    readonly Func<bool> _verify;
    readonly List<double> _milliseconds = [];

    Scheme(string name, int? workFactor, string describe, Func<bool> verify)
    {
        Name = name;
        WorkFactor = workFactor;
        Describe = describe;
        _verify = verify;
    }

    public string Name { get; }
    public int? WorkFactor { get; }
    public string Describe { get; }

    /// <summary>The current release's hasher with its defaults, exactly as Program.cs registers it.</summary>
    public static Scheme Pbkdf2(string password)
    {
        var hasher = new PasswordHasher<object>();
        var user = new object();
        var hash = hasher.HashPassword(user, password);
        // Decoded from the stored hash itself, so the baseline is shown to be the V3 defaults, not assumed to be.
        var bytes = Convert.FromBase64String(hash);
        var prf = (KeyDerivationPrf)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1));
        var iterations = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5));
        var describe = $"ASP.NET Core Identity PasswordHasher<T> format 0x{bytes[0]:x2} (V3), PBKDF2-{prf}, {iterations:#,0} iterations";
        return new Scheme("PBKDF2 (current release)", null, describe,
            () => hasher.VerifyHashedPassword(user, hash, password) == PasswordVerificationResult.Success);
    }

    public static Scheme Bcrypt(string password, int workFactor)
    {
        var hash = BCrypt.Net.BCrypt.HashPassword(password, workFactor);
        return new Scheme($"bcrypt, work factor {workFactor}", workFactor, hash[..7], () => BCrypt.Net.BCrypt.Verify(password, hash));
    }

    public void VerifyOnce()
    {
        // A verify that fails would be timing an error path, not login.
        if (!_verify()) throw new InvalidOperationException($"{Name}: the right password did not verify");
    }

    public void MeasureOnce()
    {
        var start = Stopwatch.GetTimestamp();
        VerifyOnce();
        _milliseconds.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    /// <summary>Nearest rank, so every figure is a time that was actually measured (0 = min, 100 = max).</summary>
    public double Percentile(int p)
    {
        var sorted = _milliseconds.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>The PRF ids of Identity's V3 format header (KeyDerivationPrf's values).</summary>
enum KeyDerivationPrf : uint { HMACSHA1 = 0, HMACSHA256 = 1, HMACSHA512 = 2 }
