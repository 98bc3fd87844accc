using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SupportChat.Tests.Support;

/// <summary>
/// A redis-server process of a test's own (from PATH) on a loopback port, for what the suite's shared server must not
/// be put through: Redis going away and coming back. Persistence is off unless asked for; with it, every write is in
/// the append-only file before it is answered (appendfsync always), so even a SIGKILL loses nothing.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    const int PortAttempts = 10;
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);

    readonly List<string> _output = [];
    Process? _process;

    RedisServer(bool appendOnly, string directory)
    {
        AppendOnly = appendOnly;
        Directory = directory;
    }

    /// <summary>Whether writes go to an append-only file that <see cref="StartAgainAsync"/> reads back.</summary>
    public bool AppendOnly { get; }

    /// <summary>The server's own temporary working directory (<c>--dir</c>), where the append-only file lives; deleted on dispose.</summary>
    public string Directory { get; }

    /// <summary>The loopback port, the same across <see cref="StartAgainAsync"/>.</summary>
    public int Port { get; private set; }

    /// <summary>A StackExchange.Redis configuration string for this server, for <c>Redis:Configuration</c>.</summary>
    public string ConfigurationString => $"127.0.0.1:{Port}";

    /// <summary>Whether the process is running (it may still be loading its data; <see cref="StartAsync"/> waits for that).</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>What every process of this server printed, for failure messages.</summary>
    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    /// <summary>
    /// Starts a server and waits until it answers PING. redis-server cannot bind port 0 and say which port it got, so
    /// the port is one the kernel just handed out and freed; if something takes it before redis-server binds it, the
    /// server exits and another port is tried.
    /// </summary>
    public static async Task<RedisServer> StartAsync(bool appendOnly = false)
    {
        var server = new RedisServer(appendOnly, System.IO.Directory.CreateTempSubdirectory("supportchat-redis-").FullName);
        try
        {
            for (var attempt = 1; attempt <= PortAttempts; attempt++)
            {
                server.Port = FreePort();
                if (await server.TryStartAsync()) return server;
            }
            throw new InvalidOperationException($"redis-server did not start:\n{server.Output}");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the stopped server again on the same port and directory (so with <see cref="AppendOnly"/> its data comes back) and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning) throw new InvalidOperationException("The server is running.");
        if (!await TryStartAsync()) throw new InvalidOperationException($"redis-server did not start again on port {Port}:\n{Output}");
    }

    /// <summary>SIGKILL: the server stops at once without saving, as in a crash; clients see their connections drop.</summary>
    public async Task StopAsync()
    {
        if (!IsRunning) return;
        _process!.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>
    /// Sends one command on a connection of its own and returns the reply: a status or bulk string, an integer as text,
    /// null for a nil reply, an array's elements one per line. An error reply throws.
    /// </summary>
    public async Task<string?> CommandAsync(params string[] arguments)
    {
        using var timeout = new CancellationTokenSource(CommandTimeout);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
        await using var stream = new BufferedStream(client.GetStream());
        var command = new StringBuilder($"*{arguments.Length}\r\n");
        foreach (var argument in arguments) command.Append($"${Encoding.UTF8.GetByteCount(argument)}\r\n{argument}\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(command.ToString()), timeout.Token);
        await stream.FlushAsync(timeout.Token);
        return await ReadReplyAsync(stream, timeout.Token);
    }

    static async Task<string?> ReadReplyAsync(Stream stream, CancellationToken ct)
    {
        var line = await ReadLineAsync(stream, ct);
        switch (line[0])
        {
            case '+' or ':':
                return line[1..];
            case '-':
                throw new InvalidOperationException($"Redis answered an error: {line[1..]}");
            case '$':
                var length = int.Parse(line[1..]);
                if (length < 0) return null;
                var bulk = new byte[length + 2];
                await stream.ReadExactlyAsync(bulk, ct);
                return Encoding.UTF8.GetString(bulk, 0, length);
            case '*':
                var count = int.Parse(line[1..]);
                if (count < 0) return null;
                var items = new List<string?>();
                for (var i = 0; i < count; i++) items.Add(await ReadReplyAsync(stream, ct));
                return string.Join('\n', items);
            default:
                throw new InvalidOperationException($"Not a RESP2 reply: {line}");
        }
    }

    /// <summary>One CRLF-terminated line, without the CRLF; the stream is buffered, so byte by byte is cheap.</summary>
    static async Task<string> ReadLineAsync(Stream stream, CancellationToken ct)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, ct) == 0) throw new EndOfStreamException("Redis closed the connection mid-reply.");
            if (one[0] == '\n' && bytes.Count > 0 && bytes[^1] == '\r') return Encoding.UTF8.GetString([.. bytes[..^1]]);
            bytes.Add(one[0]);
        }
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs redis-server on <see cref="Port"/> until it answers PING; false if it exited first (the port was taken, say).</summary>
    async Task<bool> TryStartAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
        };
        string[] persistence = AppendOnly ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
        foreach (var argument in (string[])["--port", $"{Port}", "--bind", "127.0.0.1", "--dir", Directory, "--daemonize", "no", "--save", "", .. persistence])
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process?.Dispose();
        _process = process;

        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (await AnswersPingAsync() && await IsServedByAsync(process)) return true;
            await Task.Delay(20);
        }
        await StopAsync();
        return false;
    }

    /// <summary>An inline PING on a fresh connection is answered +PONG (not -LOADING while an append-only file is read back).</summary>
    async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            return await ReadLineAsync(stream, timeout.Token) == "+PONG";
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Another server that owns the port would answer PING too: INFO must name this process.</summary>
    async Task<bool> IsServedByAsync(Process process)
    {
        try
        {
            return (await CommandAsync("INFO", "server"))!.Contains($"process_id:{process.Id}\r\n", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Kills the process if it runs and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        _process = null;
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
    }
}
