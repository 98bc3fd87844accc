using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using SupportChat.Common.Auth;

namespace SupportChat.Common;

/// <summary>
/// An opaque keyset-paging cursor: a position (a time in ticks and an id) with an HMAC over it, in base64url.
/// Contract: a cursor the server did not issue is a malformed parameter, and only the server can make the tag. The
/// key is derived from the JWT secret and <paramref name="purpose"/>, so cursors stay valid across restarts, die with a
/// rotated secret, and one list's cursor is never accepted by another (GET /admin/audit, GET /conversations).
/// </summary>
sealed class KeysetCursor(string purpose)
{
    const int PositionBytes = 8 + 12;   // ticks, ObjectId
    const int TagBytes = 16;            // a truncated HMAC-SHA256: 128 bits leave nothing to guess
    const int TotalBytes = PositionBytes + TagBytes;
    readonly byte[] _purpose = System.Text.Encoding.UTF8.GetBytes(purpose);

    /// <summary>The cursor of the position (<paramref name="at"/>, <paramref name="id"/>): 48 base64url characters.</summary>
    public string Write(JwtSettings jwt, DateTime at, ObjectId id)
    {
        Span<byte> bytes = stackalloc byte[TotalBytes];
        BinaryPrimitives.WriteInt64BigEndian(bytes, at.Ticks);
        Convert.FromHexString(id.ToString(), bytes[8..PositionBytes], out _, out _);
        Tag(jwt, bytes[..PositionBytes], bytes[PositionBytes..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>False for anything this server (with this secret, for this purpose) did not issue.</summary>
    public bool TryRead(JwtSettings jwt, string? cursor, out DateTime at, out ObjectId id)
    {
        at = default;
        id = default;
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
        at = new DateTime(ticks, DateTimeKind.Utc);
        id = ObjectId.Parse(Convert.ToHexStringLower(bytes[8..PositionBytes]));
        return true;
    }

    void Tag(JwtSettings jwt, ReadOnlySpan<byte> position, Span<byte> tag)
    {
        Span<byte> key = stackalloc byte[32];
        // Its own key, not the signing key itself: a cursor tag can never double as anything a token check accepts.
        HKDF.DeriveKey(HashAlgorithmName.SHA256, jwt.SigningKey.Key, key, salt: [], info: _purpose);
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(key, position, full);
        full[..TagBytes].CopyTo(tag);
    }
}
