// Times Frames.NewMessage of two builds of SupportChat (A and B, e.g. main and main without the seq line) in one
// process, each loaded into its own AssemblyLoadContext: blocks of 200,000 frames, alternating which build goes
// first, after 5 warm-up blocks each. Prints each build's frame once, then ns per frame and the per-round B/A ratio.
//
//   dotnet run -c Release --project bench/FrameBenchmark -- A/bin/Release/net10.0/SupportChat.dll B/bin/Release/net10.0/SupportChat.dll [rounds=40]
using System.Diagnostics;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: FrameBenchmark A/SupportChat.dll B/SupportChat.dll [rounds]");
    return 2;
}
var rounds = args.Length >= 3 ? int.Parse(args[2]) : 40;
const int PerBlock = 200_000;
Func<int, byte[]>[] builds = [Build(args[0]), Build(args[1])];
foreach (var (build, name) in builds.Zip(new[] { "A", "B" }))
    Console.WriteLine($"{name}: {Encoding.UTF8.GetString(build(123))} ({build(123).Length} bytes)");
for (var w = 0; w < 5; w++)
    foreach (var build in builds) Time(build);
var ns = new List<double>[] { [], [] };
for (var r = 0; r < rounds; r++)
    for (var k = 0; k < 2; k++)
    {
        var i = r % 2 == 0 ? k : 1 - k;
        ns[i].Add(Time(builds[i]));
    }
var ratios = Enumerable.Range(0, rounds).Select(r => ns[1][r] / ns[0][r]).ToList();
Console.WriteLine($"A ns/frame median {Median(ns[0]):F1} (min {ns[0].Min():F1}); B median {Median(ns[1]):F1} (min {ns[1].Min():F1}); "
    + $"B/A per round median {Median(ratios):F3} ({ratios.Min():F3}-{ratios.Max():F3}); A-B of the medians {Median(ns[0]) - Median(ns[1]):F1} ns");
return 0;

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return (sorted[(sorted.Count - 1) / 2] + sorted[sorted.Count / 2]) / 2;
}

static double Time(Func<int, byte[]> build)
{
    var clock = Stopwatch.StartNew();
    var bytes = 0;
    for (var i = 0; i < PerBlock; i++) bytes += build(i + 1).Length;   // seq 1..200,000, as a long transcript's would be
    clock.Stop();
    GC.KeepAlive(bytes);
    return clock.Elapsed.TotalNanoseconds / PerBlock;
}

// A 64-character message (the load generator's size) from a candidate; seq is the argument.
static Func<int, byte[]> Build(string dll)
{
    var assembly = new BuildContext(Path.GetFullPath(dll)).LoadFromAssemblyPath(Path.GetFullPath(dll));
    var objectId = assembly.GetType("SupportChat.Common.ObjectId", true)!;
    var liveMessage = assembly.GetType("SupportChat.Realtime.LiveMessage", true)!;
    var frames = assembly.GetType("SupportChat.Realtime.Frames", true)!;
    var newId = objectId.GetMethod("NewId", BindingFlags.Public | BindingFlags.Static)!;
    var constructor = liveMessage.GetConstructors().Single();   // builds differ in the optional fields after CreatedAt
    object?[] fields = [newId.Invoke(null, null), "candidate", new string('x', 64), DateTime.UtcNow];
    var message = constructor.Invoke([.. fields, .. new object?[constructor.GetParameters().Length - fields.Length]]);
    var newMessage = frames.GetMethod("NewMessage", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!;
    var seq = Expression.Parameter(typeof(int));
    Expression[] arguments = [Expression.Constant(newId.Invoke(null, null), objectId), Expression.Constant(message, liveMessage), seq, Expression.Constant(false)];
    // Builds before seq (f2e3f97 and older) take (conversationId, message) only.
    return Expression.Lambda<Func<int, byte[]>>(Expression.Call(newMessage, arguments.Take(newMessage.GetParameters().Length)), seq).Compile();
}

/// <summary>One build's assemblies; what the framework (or this program) already loaded is shared.</summary>
sealed class BuildContext(string dll) : AssemblyLoadContext(dll)
{
    readonly AssemblyDependencyResolver _resolver = new(dll);

    protected override Assembly? Load(AssemblyName name) =>
        Default.Assemblies.Any(a => a.GetName().Name == name.Name) ? null
        : _resolver.ResolveAssemblyToPath(name) is { } path ? LoadFromAssemblyPath(path) : null;
}
