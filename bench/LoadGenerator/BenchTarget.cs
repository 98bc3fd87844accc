using System.Globalization;

namespace LoadGenerator;

/// <summary>A conversation to drive: its id and, on the real server, who talks in it.</summary>
sealed record Conversation(int Index, string Id, Account? Candidate, Account? Agent);

/// <summary>A conversation's two connected sockets: the candidate's and the agent's.</summary>
sealed record ConversationSockets(Conversation Conversation, ChatSocket Candidate, ChatSocket Agent);

/// <summary>
/// Where the sockets go. The real server: accounts from the roster, ws://HOST/ws?token=..., then JOIN_CONVERSATION.
/// The bare relay (--bare): no accounts, ws://HOST/ws?room=..., nothing to join; the same frames flow either way.
/// </summary>
sealed class BenchTarget
{
    static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(30);

    readonly Uri _baseUrl;
    readonly Uri _agentBaseUrl;
    readonly string? _rosterPath;
    readonly int _setupParallelism;
    // One handler for every upgrade: a handler per socket would cost the generator memory and connect time.
    readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(30) });

    BenchTarget(bool bare, Uri baseUrl, Uri agentBaseUrl, string? rosterPath, int setupParallelism)
    {
        Bare = bare;
        _baseUrl = baseUrl;
        _agentBaseUrl = agentBaseUrl;
        _rosterPath = rosterPath;
        _setupParallelism = setupParallelism;
        Api = new SupportChatApi(baseUrl);
    }

    public bool Bare { get; }
    public string Name => Bare ? "relay" : "real";
    public SupportChatApi Api { get; }
    public Roster? Roster { get; private set; }

    public static BenchTarget FromOptions(CommandLine options)
    {
        var bare = options.Flag("bare");
        var url = new Uri(options.Text("url", bare ? "http://127.0.0.1:5081" : "http://127.0.0.1:5080"));
        var agentUrl = options.Text("agent-url") is { } agentText ? new Uri(agentText) : url;
        var roster = options.Text("roster");
        if (!bare && roster is null) throw new UsageException("--roster FILE is required against the real server (it keeps the accounts for later runs)");
        if (bare && agentUrl != url) throw new UsageException("--agent-url is for the real server (scale-out), not the relay");
        return new BenchTarget(bare, url, agentUrl, roster, options.Int("setup-parallelism", 8));
    }

    /// <summary>The first <paramref name="count"/> conversations: from the roster (signing up what is missing), or made-up room ids on the relay.</summary>
    public async Task<Conversation[]> ConversationsAsync(int count)
    {
        if (Bare)
            return [.. Enumerable.Range(0, count).Select(i => new Conversation(i, i.ToString("x24", CultureInfo.InvariantCulture), null, null))];
        Roster = await Roster.EnsureAsync(Api, _rosterPath!, count, _setupParallelism);
        return [.. Roster.Pairs.Take(count).Select((p, i) => new Conversation(i, p.ConversationId!, p.Candidate, p.Agent))];
    }

    public void SaveRoster()
    {
        if (Roster is not null) Roster.Save(_rosterPath!);
    }

    /// <summary>
    /// Connects one socket into the conversation's room (on the real server: authenticated and joined), the agent's to
    /// <c>--agent-url</c> when given.
    /// </summary>
    public async Task<ChatSocket> ConnectAsync(Conversation conversation, Account? account, Traffic? traffic)
    {
        if (Bare) return await ChatSocket.ConnectAsync(SocketUri(_baseUrl, $"room={conversation.Id}"), _invoker, traffic, CancellationToken.None);
        var baseUrl = ReferenceEquals(account, conversation.Agent) ? _agentBaseUrl : _baseUrl;
        var socket = await ChatSocket.ConnectAsync(SocketUri(baseUrl, $"token={account!.Token}"), _invoker, traffic, CancellationToken.None);
        if (await socket.JoinAsync(conversation.Id, JoinTimeout) is { } problem)
        {
            await socket.DisposeAsync();
            throw new InvalidOperationException($"JOIN_CONVERSATION {conversation.Id} answered: {problem}");
        }
        return socket;
    }

    public async Task<ConversationSockets[]> ConnectPairsAsync(IReadOnlyList<Conversation> conversations, Traffic traffic, int parallelism)
    {
        var connected = new ConversationSockets[conversations.Count];
        await Parallel.ForEachAsync(conversations, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (conversation, _) =>
        {
            var candidate = await ConnectAsync(conversation, conversation.Candidate, traffic);
            var agent = await ConnectAsync(conversation, conversation.Agent, traffic);
            connected[conversation.Index] = new ConversationSockets(conversation, candidate, agent);
        });
        // The relay puts a socket in its room just after the upgrade answer has left: give the last ones time to land.
        if (Bare) await Task.Delay(500);
        return connected;
    }

    /// <summary>The socket address of the real server (<c>--url</c>, whoever the account is) for <paramref name="account"/>'s token.</summary>
    public Uri SocketUriFor(Account account) => SocketUri(_baseUrl, $"token={account.Token}");

    static Uri SocketUri(Uri baseUrl, string query) =>
        new UriBuilder(baseUrl) { Scheme = baseUrl.Scheme == "https" ? "wss" : "ws", Path = "/ws", Query = query }.Uri;
}
