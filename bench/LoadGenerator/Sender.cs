using System.Diagnostics;

namespace LoadGenerator;

/// <summary>
/// The chat traffic of one socket: numbered SEND_MESSAGE frames, either at a fixed rate (open loop) or each one as
/// soon as the previous one reached the other side (closed loop). It is its socket's only writer while it runs.
/// </summary>
sealed class Sender
{
    /// <summary>A send this late against its schedule means the generator, not the server, is behind.</summary>
    static readonly long LateTicks = Stopwatch.Frequency / 100;

    readonly ChatSocket _socket;
    readonly byte[] _frame;
    readonly int _prefixLength;
    readonly int _contentBytes;
    CancellationToken _stop;
    long _sent;
    long _awaiting = -1;
    long _lastSendAt;

    public Sender(int id, ChatSocket socket, string conversationId, int contentBytes)
    {
        Id = id;
        _socket = socket;
        var prefix = WireFrames.SendMessagePrefix(conversationId);
        _prefixLength = prefix.Length;
        _contentBytes = Math.Max(contentBytes, 48);   // room for the header: sender, sequence and timestamp
        _frame = new byte[_prefixLength + _contentBytes + WireFrames.SendMessageSuffix.Length];
        prefix.CopyTo(_frame, 0);
        WireFrames.SendMessageSuffix.CopyTo(_frame.AsSpan(_prefixLength + _contentBytes));
    }

    public int Id { get; }
    public DeliveryLog Deliveries { get; } = new();
    public long Sent => Volatile.Read(ref _sent);
    public int Stalls { get; private set; }
    public int LateSends { get; private set; }
    public long MaxLagTicks { get; private set; }

    ValueTask SendNextAsync()
    {
        var sequence = _sent;
        var now = Stopwatch.GetTimestamp();
        var content = _frame.AsSpan(_prefixLength, _contentBytes);
        var header = WireFrames.WriteContentHeader(content, Id, sequence, now);
        content[header..].Fill((byte)'x');
        Volatile.Write(ref _lastSendAt, now);
        Volatile.Write(ref _sent, sequence + 1);
        return _socket.SendAsync(_frame);
    }

    /// <summary>Sends <paramref name="count"/> messages back to back (the close burst's fill).</summary>
    public async Task SendBatchAsync(int count)
    {
        for (var i = 0; i < count; i++) await SendNextAsync();
    }

    public async Task RunOpenLoopAsync(double perSecond, long firstDue, CancellationToken stop)
    {
        var period = (long)(Stopwatch.Frequency / perSecond);
        var due = firstDue;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency), stop);
                var lag = Stopwatch.GetTimestamp() - due;
                if (lag > LateTicks) LateSends++;
                MaxLagTicks = Math.Max(MaxLagTicks, lag);
                await SendNextAsync();
                due += period;   // the schedule never slides: a late send is followed by on-time ones
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Closed loop: sends the first message; each later one is sent by whoever takes the turn, the receiving
    /// socket's loop when the previous message arrives or the stall watchdog when it does not. Taking the turn is one
    /// compare-and-swap on the awaited sequence number, so exactly one of them sends and sends never overlap.
    /// </summary>
    public ValueTask StartClosedLoopAsync(CancellationToken stop)
    {
        _stop = stop;
        return SendTurnAsync();
    }

    ValueTask SendTurnAsync()
    {
        if (_stop.IsCancellationRequested) return ValueTask.CompletedTask;
        Volatile.Write(ref _awaiting, _sent);   // before sending: the answer may arrive before SendAsync returns
        return SendNextAsync();
    }

    /// <summary>
    /// Called by the receiving socket's loop (one per sender, so never concurrently), which awaits the next send it
    /// may start here before reading on: the generator spends no thread hop between a delivery and the next send.
    /// </summary>
    public ValueTask DeliveredAsync(long sequence, long sentAt, long receivedAt)
    {
        Deliveries.Record(sequence, sentAt, receivedAt);
        return Interlocked.CompareExchange(ref _awaiting, -1, sequence) == sequence ? SendTurnAsync() : ValueTask.CompletedTask;
    }

    /// <summary>Closed loop: a message that never arrives must not stop its sender for the rest of the run.</summary>
    public async Task ReleaseIfStalledAsync(long now, long stallTicks)
    {
        var awaiting = Volatile.Read(ref _awaiting);
        if (awaiting < 0 || now - Volatile.Read(ref _lastSendAt) < stallTicks) return;
        if (Interlocked.CompareExchange(ref _awaiting, -1, awaiting) != awaiting) return;
        Stalls++;
        await SendTurnAsync();
    }
}
