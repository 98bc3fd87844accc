using SupportChat.Common;
using SupportChat.Common.Auth;

namespace SupportChat.Features.Audit;

/// <summary>
/// The opaque <c>nextCursor</c> of the audit trail: the last event's position under a <see cref="KeysetCursor"/> of its
/// own purpose. Contract: a cursor the server did not issue is a malformed parameter.
/// </summary>
static class AuditCursor
{
    static readonly KeysetCursor Cursor = new("SupportChat audit cursor v1");

    public static string Write(JwtSettings jwt, AuditPosition position) => Cursor.Write(jwt, position.At, position.Id);

    /// <summary>False for anything this server (with this secret) did not issue.</summary>
    public static bool TryRead(JwtSettings jwt, string? cursor, out AuditPosition position)
    {
        var valid = Cursor.TryRead(jwt, cursor, out var at, out var id);
        position = valid ? new AuditPosition(at, id) : default;
        return valid;
    }
}
