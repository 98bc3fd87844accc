namespace BareRelay;

/// <summary>The sockets of one room. Forwarding reads a snapshot array, so a join or leave never blocks a frame in flight.</summary>
sealed class RelayRoom
{
    readonly Lock _gate = new();
    RelayPeer[] _members = [];

    public void Add(RelayPeer peer)
    {
        lock (_gate) _members = [.. _members, peer];
    }

    public void Remove(RelayPeer peer)
    {
        lock (_gate) _members = [.. _members.Where(m => m != peer)];
    }

    /// <summary>One copy of the frame is shared by every receiver, as SupportChat serializes NEW_MESSAGE once per room.</summary>
    public void Forward(RelayPeer sender, byte[] frame)
    {
        foreach (var member in _members)
            if (member != sender) member.Enqueue(frame);
    }
}
