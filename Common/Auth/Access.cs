using System.Collections.Frozen;

namespace SupportChat.Common.Auth;

/// <summary>What a role may do. Ownership (whose conversation it is) is each slice's own check on top of this.</summary>
enum Permission
{
    /// <summary>Read one's own profile (GET /auth/me).</summary>
    ViewProfile,
    /// <summary>Open a support conversation (POST /conversations).</summary>
    OpenConversation,
    /// <summary>Read conversations and their transcripts (GET /conversations, GET /conversations/:id, GET /conversations/:id/messages): admins any, others their own.</summary>
    ViewConversation,
    /// <summary>Be a participant: join, leave and write in the room of one's own conversation (JOIN, LEAVE, SEND_MESSAGE,
    /// POST /conversations/:id/messages) and mark its messages read (POST /conversations/:id/read).</summary>
    Reply,
    /// <summary>Set a conversation's subject and priority (PATCH /conversations/:id): admins any, supervisors their own.</summary>
    Triage,
    /// <summary>Give a conversation addressed to oneself to one of one's agents (POST /conversations/:id/assign).</summary>
    Assign,
    /// <summary>Close a conversation no agent has joined yet (POST /conversations/:id/close): admins any, supervisors their own.</summary>
    CloseUnassigned,
    /// <summary>Close the conversation one is the assigned agent of (CLOSE_CONVERSATION).</summary>
    Resolve,
    /// <summary>Read figures and the audit trail about everyone (GET /admin/analytics, GET /admin/audit).</summary>
    Administer,
    /// <summary>Get live notifications about the conversations one may see (SUBSCRIBE).</summary>
    Subscribe,
}

/// <summary>
/// The whole access model in one table (PRD "roles", CONTRACT.md per route and event). Every HTTP route's
/// <c>Roles(...)</c> and every WebSocket event's row in <c>EventTable</c> take their roles from here.
/// </summary>
static class Access
{
    static readonly FrozenDictionary<Permission, string[]> Table = new Dictionary<Permission, string[]>
    {
        [Permission.ViewProfile] = Roles.All,
        [Permission.OpenConversation] = [Roles.Candidate],
        [Permission.ViewConversation] = Roles.All,
        [Permission.Reply] = [Roles.Candidate, Roles.Agent],
        [Permission.Assign] = [Roles.Supervisor],
        [Permission.Triage] = [Roles.Admin, Roles.Supervisor],
        [Permission.CloseUnassigned] = [Roles.Admin, Roles.Supervisor],
        [Permission.Resolve] = [Roles.Agent],
        [Permission.Administer] = [Roles.Admin],
        [Permission.Subscribe] = Roles.All,
    }.ToFrozenDictionary();

    /// <summary>The roles allowed <paramref name="permission"/>; every permission has a row.</summary>
    public static string[] RolesThatMay(Permission permission) => Table[permission];
}
