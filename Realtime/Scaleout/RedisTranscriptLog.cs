using System.Text.Json;
using System.Text.Json.Serialization;
using StackExchange.Redis;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Realtime.Scaleout;

/// <summary>
/// The Redis engine of the live transcript (issue 15): per conversation a Redis stream whose entry ids are
/// <c>0-seq</c>, so the stream is the ordered, gap-free transcript itself; one server-side script per send refuses a
/// send to a closing or closed conversation, assigns the next seq, applies the clientMessageId dedupe, appends and
/// publishes, in one round trip. Everything else that must reach every instance in the messages' order (closes,
/// evictions after a reassignment, notifications, typing) is published on the same channel, which Redis delivers to
/// every subscriber in publishing order. Keys, per conversation c under the prefix P:
/// <c>P{c}:log</c> (stream, field <c>m</c> = the message as JSON), <c>P{c}:meta</c> (hash: <c>seq</c>, <c>closed</c>),
/// <c>P{c}:ids</c> (hash: userId/clientMessageId → seq), <c>P{c}:fence</c> (string with a TTL while a close commits);
/// <c>Plive</c> (set of conversations with a live transcript), <c>Pgeneration</c> (changes when Redis lost its data),
/// channel <c>Pevents</c>. A closed conversation's keys expire after <see cref="ClosedKeysTtl"/>.
/// </summary>
sealed class RedisTranscriptLog : IAsyncDisposable
{
    /// <summary>How long a closed conversation's keys stay: long enough for every instance to read what it missed.</summary>
    public static readonly TimeSpan ClosedKeysTtl = TimeSpan.FromMinutes(10);

    // KEYS: meta, log, ids, live, fence. ARGV: conversationId, message JSON, dedupe field or '', channel, floor seq, event header.
    const string AppendScript = """
        if redis.call('HGET', KEYS[1], 'closed') then return {'closed'} end
        if redis.call('EXISTS', KEYS[5]) == 1 then return {'closing'} end
        if ARGV[3] ~= '' then
          local first = redis.call('HGET', KEYS[3], ARGV[3])
          if first then
            local entry = redis.call('XRANGE', KEYS[2], '0-' .. first, '0-' .. first)
            return {'repeat', tonumber(first), entry[1] and entry[1][2][2] or ''}
          end
        end
        local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
        local floor = tonumber(ARGV[5])
        if seq <= floor then
          seq = floor + 1
          redis.call('HSET', KEYS[1], 'seq', seq)
        end
        redis.call('XADD', KEYS[2], '0-' .. seq, 'm', ARGV[2])
        if ARGV[3] ~= '' then redis.call('HSET', KEYS[3], ARGV[3], seq) end
        redis.call('SADD', KEYS[4], ARGV[1])
        redis.call('PUBLISH', ARGV[4], ARGV[6] .. seq .. '|' .. ARGV[2])
        return {'ok', seq}
        """;

    // KEYS: meta, fence. ARGV: token. No expiry: a fence outlives a Redis outage (the close may have committed meanwhile);
    // one left by a closer that died is resolved against the database (RoomStore.ResolveFenceAsync).
    const string FenceScript = """
        if redis.call('HGET', KEYS[1], 'closed') then return {'closed', 0} end
        if not redis.call('SET', KEYS[2], ARGV[1], 'NX') then return {'busy', 0} end
        return {'ok', tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')}
        """;

    // KEYS: fence. ARGV: token.
    const string UnfenceScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 1
        """;

    // KEYS: meta, log, ids, fence, live. ARGV: conversationId, ttl seconds, channel, event.
    const string ClosedScript = """
        redis.call('HSET', KEYS[1], 'closed', '1')
        redis.call('DEL', KEYS[4])
        redis.call('EXPIRE', KEYS[1], ARGV[2])
        redis.call('EXPIRE', KEYS[2], ARGV[2])
        redis.call('EXPIRE', KEYS[3], ARGV[2])
        redis.call('SREM', KEYS[5], ARGV[1])
        redis.call('PUBLISH', ARGV[3], ARGV[4])
        return tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
        """;

    // KEYS: meta, log, ids, live. ARGV: conversationId, then per message: seq, message JSON, dedupe field or ''.
    const string ImportScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        local last = 0
        for i = 2, #ARGV, 3 do
          redis.call('XADD', KEYS[2], '0-' .. ARGV[i], 'm', ARGV[i + 1])
          if ARGV[i + 2] ~= '' then redis.call('HSETNX', KEYS[3], ARGV[i + 2], ARGV[i]) end
          last = tonumber(ARGV[i])
        end
        redis.call('HSET', KEYS[1], 'seq', last)
        redis.call('SADD', KEYS[4], ARGV[1])
        return 1
        """;

    // KEYS: meta, log, ids, live. ARGV: conversationId, then per message held by the instance: seq, message JSON, dedupe
    // field or ''. Puts back the entries the stream lacks (after Redis lost its data), keeping those it has, in seq order.
    const string RestoreScript = """
        if redis.call('HGET', KEYS[1], 'closed') then return 0 end
        local entries = {}
        local missing = false
        for i = 2, #ARGV, 3 do
          local seq = tonumber(ARGV[i])
          if #redis.call('XRANGE', KEYS[2], '0-' .. seq, '0-' .. seq) == 0 then missing = true end
          entries[seq] = ARGV[i + 1]
          if ARGV[i + 2] ~= '' then redis.call('HSETNX', KEYS[3], ARGV[i + 2], seq) end
        end
        if not missing then return 0 end
        local last = 0
        for _, entry in ipairs(redis.call('XRANGE', KEYS[2], '-', '+')) do
          local seq = tonumber(string.match(entry[1], '-(%d+)$'))
          entries[seq] = entry[2][2]
        end
        local seqs = {}
        for seq in pairs(entries) do table.insert(seqs, seq) end
        table.sort(seqs)
        redis.call('DEL', KEYS[2])
        for _, seq in ipairs(seqs) do
          redis.call('XADD', KEYS[2], '0-' .. seq, 'm', entries[seq])
          last = seq
        end
        if tonumber(redis.call('HGET', KEYS[1], 'seq') or '0') < last then redis.call('HSET', KEYS[1], 'seq', last) end
        redis.call('SADD', KEYS[4], ARGV[1])
        return 1
        """;

    readonly ConnectionMultiplexer _redis;
    readonly IDatabase _db;
    readonly string _prefix;
    readonly RedisChannel _channel;
    readonly RedisKey _live;
    readonly RedisKey _generation;

    RedisTranscriptLog(ConnectionMultiplexer redis, string prefix, TimeSpan fenceStaleAfter)
    {
        FenceStaleAfter = fenceStaleAfter;
        _redis = redis;
        _db = redis.GetDatabase();
        _prefix = prefix;
        _channel = RedisChannel.Literal(prefix + "events");
        _live = prefix + "live";
        _generation = prefix + "generation";
    }

    /// <summary>Connects (without waiting for Redis to be up: the connection retries in the background).</summary>
    public static RedisTranscriptLog Connect(RedisSettings settings) =>
        new(ConnectionMultiplexer.Connect(settings.Options), settings.KeyPrefix, settings.FenceStaleAfter);

    /// <summary>How long a send waits on a close's fence before the database decides whether that close is still alive.</summary>
    public TimeSpan FenceStaleAfter { get; }

    /// <summary>This process's id on the channel: an instance ignores the events it published itself.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Whether the connection to Redis is up now.</summary>
    public bool IsConnected => _redis.IsConnected;

    /// <summary>Raised (on a thread pool thread) when the connection to Redis came back after it was lost.</summary>
    public event Action? Reconnected;

    /// <summary>
    /// Appends <paramref name="message"/> to the conversation's transcript in one script (see the class summary) and
    /// publishes it. <paramref name="floorSeq"/> is the highest seq this instance has seen, so that a Redis that lost its
    /// data never hands out a seq again. <paramref name="origin"/> names the sending socket on this instance (0 for an HTTP
    /// send): every instance delivers the message to everyone in the room but that socket. <paramref name="notify"/> is the
    /// user MESSAGE_NOTIFICATION goes to (the other side's participant, null when unknown), for the instances that hold their sockets.
    /// Throws <see cref="RedisException"/> (or <see cref="TimeoutException"/>) when Redis cannot be reached: the outcome is
    /// then unknown and the client must retry (with its clientMessageId, a retry is stored once).
    /// </summary>
    public async Task<AppendOutcome> AppendAsync(ObjectId conversationId, LiveMessage message, long origin, int floorSeq, ObjectId? notify)
    {
        var payload = JsonSerializer.Serialize(StoredMessage.Of(message, InstanceId, origin, notify), Json.Options);
        var dedupe = message.ClientMessageId is { } clientMessageId ? $"{message.SenderId}/{clientMessageId}" : "";
        var result = (RedisResult[])(await _db.ScriptEvaluateAsync(AppendScript,
            [Key(conversationId, "meta"), Key(conversationId, "log"), Key(conversationId, "ids"), _live, Key(conversationId, "fence")],
            [conversationId.ToString(), payload, dedupe, _channel.ToString(), floorSeq, $"M|{InstanceId}|{conversationId}|"]))!;
        return (string?)result[0] switch
        {
            "ok" => new AppendOutcome(AppendState.Appended, (int)result[1], message),
            "repeat" => new AppendOutcome(AppendState.Repeat, (int)result[1], StoredMessage.Parse((string)result[2]!)?.Message ?? message),
            "closing" => new AppendOutcome(AppendState.Closing, 0, null),
            _ => new AppendOutcome(AppendState.Closed, 0, null),
        };
    }

    /// <summary>
    /// Writes a whole live transcript (seq 1 first) that the in-process engine's journal held, unless Redis has this
    /// conversation already (another instance imported it first). An empty transcript needs nothing.
    /// </summary>
    public async Task ImportAsync(ObjectId conversationId, IReadOnlyList<LiveMessage> transcript)
    {
        if (TranscriptArguments(conversationId, transcript) is not { } args) return;
        await _db.ScriptEvaluateAsync(ImportScript, [Key(conversationId, "meta"), Key(conversationId, "log"), Key(conversationId, "ids"), _live], args);
    }

    /// <summary>
    /// After Redis lost its data: writes back the messages of <paramref name="transcript"/> (seq 1 first; placeholders of
    /// messages this instance lost too are skipped) that the stream no longer has, with their clientMessageIds, so that
    /// instances started later, closes and dedupe see them again. Concurrent restores by several instances agree.
    /// </summary>
    public async Task RestoreAsync(ObjectId conversationId, IReadOnlyList<LiveMessage> transcript)
    {
        if (TranscriptArguments(conversationId, transcript) is not { } args) return;
        await _db.ScriptEvaluateAsync(RestoreScript, [Key(conversationId, "meta"), Key(conversationId, "log"), Key(conversationId, "ids"), _live], args);
    }

    /// <summary>
    /// The import and restore scripts' ARGV: the conversation id, then per message (seq 1 first; placeholders skipped) its
    /// seq, its JSON and its dedupe field or ''. Null when there is no message to write.
    /// </summary>
    static RedisValue[]? TranscriptArguments(ObjectId conversationId, IReadOnlyList<LiveMessage> transcript)
    {
        var args = new List<RedisValue>(1 + 3 * transcript.Count) { conversationId.ToString() };
        for (var i = 0; i < transcript.Count; i++)
        {
            var message = transcript[i];
            if (message.IsLost) continue;
            args.Add(i + 1);
            args.Add(JsonSerializer.Serialize(StoredMessage.Of(message, "", 0, null), Json.Options));
            args.Add(message.ClientMessageId is { } id ? $"{message.SenderId}/{id}" : "");
        }
        return args.Count > 1 ? [.. args] : null;
    }

    /// <summary>The messages with seq <paramref name="fromSeq"/> to <paramref name="toSeq"/> (inclusive; null: to the end), oldest first.</summary>
    public async Task<List<LoggedMessage>> ReadAsync(ObjectId conversationId, int fromSeq, int? toSeq = null)
    {
        var entries = await _db.StreamRangeAsync(Key(conversationId, "log"), $"0-{Math.Max(1, fromSeq)}", toSeq is { } to ? $"0-{to}" : "+");
        var messages = new List<LoggedMessage>(entries.Length);
        foreach (var entry in entries)
            if (StoredMessage.Parse(entry["m"]) is { } stored)
                messages.Add(new LoggedMessage(SeqOf(entry.Id), stored.Message, stored.Instance, stored.Origin, stored.Notify));
        return messages;
    }

    /// <summary>Whether a close committed this conversation (its keys may be gone after <see cref="ClosedKeysTtl"/>).</summary>
    public async Task<bool> IsClosedAsync(ObjectId conversationId) => await _db.HashExistsAsync(Key(conversationId, "meta"), "closed");

    /// <summary>
    /// Starts a close: from now on sends are refused as closing, until the close lifts the fence or marks the conversation
    /// closed (or <see cref="BreakFenceAsync"/>). Returns the last seq
    /// appended before the fence, or null when another close holds the fence or a close already committed
    /// (<c>Closed</c>).
    /// </summary>
    public async Task<(int? LastSeq, bool Closed)> FenceAsync(ObjectId conversationId, string token)
    {
        var result = (RedisResult[])(await _db.ScriptEvaluateAsync(FenceScript, [Key(conversationId, "meta"), Key(conversationId, "fence")], [token]))!;
        return (string?)result[0] switch
        {
            "ok" => ((int)result[1], false),
            "closed" => (null, true),
            _ => (null, false),
        };
    }

    /// <summary>A close that did not commit lifts its fence (only its own: a later close's fence stays).</summary>
    public Task UnfenceAsync(ObjectId conversationId, string token) =>
        _db.ScriptEvaluateAsync(UnfenceScript, [Key(conversationId, "fence")], [token]);

    /// <summary>Removes whatever fence the conversation has: for a fence left by a close whose conversation the database says is not closed.</summary>
    public Task BreakFenceAsync(ObjectId conversationId) => _db.KeyDeleteAsync(Key(conversationId, "fence"));

    /// <summary>
    /// The close committed: marks the conversation closed for every later send, lets its keys expire, and tells every
    /// instance. Returns the last seq Redis appended: above what the close persisted only if a send got past the fence
    /// (Redis lost it with its data), and those messages must then be persisted too.
    /// </summary>
    public async Task<int> ClosedAsync(ObjectId conversationId) =>
        (int)await _db.ScriptEvaluateAsync(ClosedScript,
            [Key(conversationId, "meta"), Key(conversationId, "log"), Key(conversationId, "ids"), Key(conversationId, "fence"), _live],
            [conversationId.ToString(), (long)ClosedKeysTtl.TotalSeconds, _channel.ToString(), $"C|{InstanceId}|{conversationId}"]);

    /// <summary>Publishes an event for every other instance (header <c>K|instance|…</c>, see <see cref="BusEvent"/>).</summary>
    public Task PublishAsync(char kind, string body) => _db.PublishAsync(_channel, $"{kind}|{InstanceId}|{body}");

    /// <summary>Every conversation that has a live transcript in Redis.</summary>
    public async Task<ObjectId[]> LiveConversationsAsync() =>
        [.. (await _db.SetMembersAsync(_live)).Select(id => ObjectId.TryParse(id, out var parsed) ? parsed : (ObjectId?)null).OfType<ObjectId>()];

    /// <summary>
    /// This Redis's generation: set once by the first instance that finds none. A different or missing value later means
    /// Redis lost its data (restarted without persistence): what instances hold in memory is then all that is left.
    /// </summary>
    public async Task<string> GenerationAsync()
    {
        var mine = Guid.NewGuid().ToString("N");
        await _db.StringSetAsync(_generation, mine, when: When.NotExists);
        return (string?)await _db.StringGetAsync(_generation) ?? mine;
    }

    /// <summary>Delivers every event published on the channel, one at a time in publishing order, to <paramref name="handle"/>.</summary>
    public async Task SubscribeAsync(Func<BusEvent, Task> handle)
    {
        // Either connection: with RESP3 one connection carries both commands and subscriptions.
        _redis.ConnectionRestored += (_, _) => Reconnected?.Invoke();
        var queue = await _redis.GetSubscriber().SubscribeAsync(_channel);
        queue.OnMessage(async message =>
        {
            if (BusEvent.Parse(message.Message) is { } parsed) await handle(parsed);
        });
    }

    RedisKey Key(ObjectId conversationId, string part) => $"{_prefix}{{{conversationId}}}:{part}";

    static int SeqOf(RedisValue id) => int.Parse(((string)id!).AsSpan(((string)id!).IndexOf('-') + 1));

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    /// <summary>A message as the stream and channel carry it: the message, and the instance and socket that sent it.</summary>
    sealed record StoredMessage(
        [property: JsonPropertyName("i")] string Instance,
        [property: JsonPropertyName("o")] long Origin,
        [property: JsonPropertyName("s")] ObjectId SenderId,
        [property: JsonPropertyName("r")] string SenderRole,
        [property: JsonPropertyName("c")] string Content,
        [property: JsonPropertyName("t")] DateTime CreatedAt,
        [property: JsonPropertyName("a")] IReadOnlyList<MessageAttachment>? Attachments,
        [property: JsonPropertyName("k")] string? ClientMessageId,
        [property: JsonPropertyName("n")] ObjectId? Notify)
    {
        public LiveMessage Message => new(SenderId, SenderRole, Content, CreatedAt, Attachments, ClientMessageId);

        public static StoredMessage Of(LiveMessage m, string instance, long origin, ObjectId? notify) =>
            new(instance, origin, m.SenderId, m.SenderRole, m.Content, m.CreatedAt, m.Attachments, m.ClientMessageId, notify);

        public static StoredMessage? Parse(string? json)
        {
            if (string.IsNullOrEmpty(json)) return null;
            try { return JsonSerializer.Deserialize<StoredMessage>(json, Json.Options); }
            catch (JsonException) { return null; }
        }
    }

    /// <summary>
    /// One event from the channel: <c>M|instance|conversation|seq|json</c> (a message), <c>C|instance|conversation</c>
    /// (closed), <c>E|instance|conversation|agentId</c> (evict every agent but this one), <c>N|instance|…</c> (a
    /// notification, see <see cref="ScaleoutBridge"/>), <c>T|instance|conversation|userId|role</c> (typing).
    /// </summary>
    public sealed record BusEvent(char Kind, string Instance, string[] Fields, LoggedMessage? Message)
    {
        public static BusEvent? Parse(string? text)
        {
            if (text is not { Length: > 2 } || text[1] != '|') return null;
            var kind = text[0];
            if (kind == 'M')
            {
                var parts = text.Split('|', 5);
                if (parts.Length < 5 || !int.TryParse(parts[3], out var seq) || StoredMessage.Parse(parts[4]) is not { } stored) return null;
                return new BusEvent(kind, parts[1], [parts[2]], new LoggedMessage(seq, stored.Message, stored.Instance, stored.Origin, stored.Notify));
            }
            var fields = text.Split('|');
            return fields.Length < 3 ? null : new BusEvent(kind, fields[1], fields[2..], null);
        }
    }
}

/// <summary>What <see cref="RedisTranscriptLog.AppendAsync"/> did.</summary>
enum AppendState { Appended, Repeat, Closing, Closed }

/// <summary>The outcome of an append: for <see cref="AppendState.Repeat"/> the first message with that clientMessageId and its seq.</summary>
readonly record struct AppendOutcome(AppendState State, int Seq, LiveMessage? Message);

/// <summary>A message read from the log with its seq, the instance and socket (0: none) that sent it, and whom MESSAGE_NOTIFICATION goes to (null: nobody).</summary>
sealed record LoggedMessage(int Seq, LiveMessage Message, string Instance, long Origin, ObjectId? Notify = null);
