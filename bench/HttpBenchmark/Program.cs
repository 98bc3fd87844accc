using HttpBenchmark;

// Throughput of SupportChat's HTTP routes under closed-loop load, for comparing one server build with another
// measured side by side (bench/http.sh). Talks to the server over HTTP only, so it measures any release alike.
const string usage = """
    usage: HttpBenchmark <command> [options]

    commands
      setup     --url URL --roster FILE [--clients C (32)] [--parallelism N]
                sign up one supervisor and 2C candidates, log them in, open one conversation for each of the first C;
                saves ids and tokens to FILE. Not measured: signup and login hash passwords and are slow on purpose.
      run       --url URL --roster FILE --scenario me|get|create [--clients C (the roster's)] [--warmup S (5)]
                [--duration S (10)] [--server-pid PID] [--target baseline|candidate] [--pair N] [--label TEXT] [--out FILE]
                C clients in a closed loop for S seconds after the warm-up:
                  me      GET /auth/me                   (200)
                  get     GET /conversations/:id, own    (200)
                  create  POST /conversations (201), then POST /conversations/:id/close as the supervisor (200)
                prints requests/s, p50/p99 latency and, with --server-pid, the server's CPU-s per 1,000 requests
                (from /proc/PID/stat). Any other status or a failed request makes the run invalid.
      summary   --results DIR
                Markdown tables of the runs saved in DIR: each run, then candidate / baseline per scenario, pairing the
                runs with the same --pair (exit 3 if any run is invalid)
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(usage);
    return args.Length == 0 ? 2 : 0;
}

try
{
    var options = new CommandLine(args[1..]);
    return args[0] switch
    {
        "setup" => await Setup.RunAsync(options),
        "run" => await LoadRun.RunAsync(options),
        "summary" => Summary.Run(options),
        _ => throw new UsageException($"unknown command '{args[0]}'"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"HttpBenchmark: {e.Message}\n\n{usage}");
    return 2;
}
catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException)
{
    Console.Error.WriteLine($"HttpBenchmark: {e.Message}");
    return 1;
}
