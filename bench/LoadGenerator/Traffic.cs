namespace LoadGenerator;

/// <summary>All senders of a run, by id: a delivered message's content names its sender, and this finds it.</summary>
sealed class Traffic
{
    Sender[] _senders = [];
    int _unexpected;

    public IReadOnlyList<Sender> Senders => _senders;
    /// <summary>Frames that were neither a chat message of a known sender nor an expected answer.</summary>
    public int Unexpected => Volatile.Read(ref _unexpected);

    /// <summary>Set once, after every socket is connected and before any traffic: the receive loops read it unlocked.</summary>
    public void Use(IEnumerable<Sender> senders) => Volatile.Write(ref _senders, [.. senders]);

    public ValueTask DeliverAsync(ReadOnlySpan<byte> content, long receivedAt)
    {
        var senders = Volatile.Read(ref _senders);
        if (WireFrames.TryReadContentHeader(content, out var id, out var sequence, out var sentAt) && (uint)id < (uint)senders.Length)
            return senders[id].DeliveredAsync(sequence, sentAt, receivedAt);
        CountUnexpected();
        return ValueTask.CompletedTask;
    }

    public void CountUnexpected() => Interlocked.Increment(ref _unexpected);
}
