using LoadGenerator;

// The chat-path benchmark of issue #6: drives SupportChat (or bench/BareRelay with --bare) over real WebSockets and
// reports throughput, end-to-end latency, integrity and the server's CPU and memory. bench/run.sh runs it all.
const string usage = """
    usage: LoadGenerator <command> [options]

    commands
      setup        sign up the roster's accounts and open its conversations (slow: PBKDF2), so the runs can reuse them
      chat         C conversations chatting, closed loop (default) or --rate R msg/s per sender (open loop)
      idle         N sockets connect, authenticate, join and sit idle: connect rate and server RSS per socket
      close-burst  K conversations with M live messages closed at once, while B others keep chatting
      resume       S sockets JOIN at once with sinceSeq B messages behind, against a plain JOIN of the same sockets
      summary      --results DIR: Markdown tables of the runs saved there, real vs relay, against the targets

    common options
      --url URL               server base URL (default http://127.0.0.1:5080, or :5081 with --bare)
      --bare                  the target is bench/BareRelay: sockets are pairs in ws://HOST/ws?room=X, no HTTP setup
      --roster FILE           accounts and conversations kept between runs (required on the real server)
      --setup-parallelism N   signups in flight during setup (default 8)
      --server-pid PID[,PID]  read the server's CPU (utime+stime) and RSS from /proc/PID (several: added up)
      --agent-url URL         agents' sockets go to this instance instead of --url (scale-out: candidates on one
                              instance, agents on another; HTTP setup always goes to --url)
      --out FILE              save the run's figures as JSON (for summary)
      --label TEXT            name of the run in the summary

    setup        --conversations C (default 200)
    chat         --conversations C (200)  --closed-loop | --rate R  --warmup S (5)  --duration S (20)
                 --content-bytes B (64)  --connect-concurrency N (64)
    idle         --sockets N (10000)  --conversations C (200)  --connect-concurrency N (256)  --settle S (5)  --hold S (10)
                 --warmup-sockets N (1000, connected and closed again before the measured connects)
    resume       --sockets S (1000)  --conversations C (200)  --behind B (200)
    close-burst  --burst-conversations K (100)  --burst-messages M (200)  --background-conversations B (50)
                 --background-rate R (5)  --before S (10)  --after S (5)  --warmup-closes N (5)  --content-bytes B (64)
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
        "setup" => await SetupAsync(options),
        "chat" => await ChatScenario.RunAsync(options),
        "idle" => await IdleScenario.RunAsync(options),
        "close-burst" => await CloseBurstScenario.RunAsync(options),
        "resume" => await ResumeScenario.RunAsync(options),
        "summary" => Summary.Run(options),
        _ => throw new UsageException($"unknown command '{args[0]}'"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"LoadGenerator: {e.Message}\n\n{usage}");
    return 2;
}
catch (Exception e) when (e is InvalidOperationException or HttpRequestException or System.Net.WebSockets.WebSocketException)
{
    Console.Error.WriteLine($"LoadGenerator: {e.Message}");
    return 1;
}

static async Task<int> SetupAsync(CommandLine options)
{
    var target = BenchTarget.FromOptions(options);
    var conversations = options.Int("conversations", 200);
    options.RejectUnknown();
    if (target.Bare) return 0;   // the relay needs no accounts
    var started = DateTime.UtcNow;
    await target.ConversationsAsync(conversations);
    Console.WriteLine($"setup: {conversations} conversations ready in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
    return 0;
}
