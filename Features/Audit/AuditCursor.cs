using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using SupportChat.Common;
using SupportChat.Common.Auth;

namespace SupportChat.Features.Audit;

/// <summary>
/// The opaque <c>nextCursor</c>: the last event's position (its time in ticks and its id) with an HMAC over it, in
/// base64url. Contract: a cursor the server did not issue is a malformed parameter, and only the server can make the tag.
/// The key is derived from the JWT secret, so cursors stay valid across restarts and die with a rotated secret.
/// </summary>
static class AuditCursor
{
    const int PositionBytes = 8 + 12;   // ticks, ObjectId
    const int TagBytes = 16;            // a truncated HMAC-SHA256: 128 bits leave nothing to guess
    const int TotalBytes = PositionBytes + TagBytes;
    static readonly byte[] Purpose = "SupportChat audit cursor v1"u8.ToArray();

    public static string Write(JwtSettings jwt, AuditPosition position)
    {
        Span<byte> bytes = stackalloc byte[TotalBytes];
        BinaryPrimitives.WriteInt64BigEndian(bytes, position.At.Ticks);
        Convert.FromHexString(position.Id.ToString(), bytes[8..PositionBytes], out _, out _);
        Tag(jwt, bytes[..PositionBytes], bytes[PositionBytes..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>False for anything this server (with this secret) did not issue.</summary>
    public static bool TryRead(JwtSettings jwt, string? cursor, out AuditPosition position)
    {
        position = default;
        Span<byte> bytes = stackalloc byte[TotalBytes];
        // IsValid first: TryDecodeFromChars throws, rather than answer false, on some malformed lengths.
        if (cursor is not { Length: > 0 and <= 64 } || !Base64Url.IsValid(cursor, out var length) || length != TotalBytes
            || !Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written != TotalBytes
            || Base64Url.EncodeToString(bytes) != cursor)   // one spelling per cursor: no padding, no stray bits
            return false;
        Span<byte> expected = stackalloc byte[TagBytes];
        Tag(jwt, bytes[..PositionBytes], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[PositionBytes..])) return false;

        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
        if (ticks < 0 || ticks > DateTime.MaxValue.Ticks) return false;
        position = new AuditPosition(new DateTime(ticks, DateTimeKind.Utc), ObjectId.Parse(Convert.ToHexStringLower(bytes[8..PositionBytes])));
        return true;
    }

    static void Tag(JwtSettings jwt, ReadOnlySpan<byte> position, Span<byte> tag)
    {
        Span<byte> key = stackalloc byte[32];
        // Its own key, not the signing key itself: a cursor tag can never double as anything a token check accepts.
        HKDF.DeriveKey(HashAlgorithmName.SHA256, jwt.SigningKey.Key, key, salt: [], info: Purpose);
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(key, position, full);
        full[..TagBytes].CopyTo(tag);
    }
}
