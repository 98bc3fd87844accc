using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace SupportChat.Common.Auth;

/// <summary>
/// Signed download links (CONTRACT.md "Attachments"): <c>/attachments/{id}?expires={unix seconds}&amp;signature={tag}</c>,
/// where the tag is HMAC-SHA256 over the attachment id and the expiry, in base64url. It stands in for a token, for
/// one attachment, for <see cref="Lifetime"/>. The key is derived from the JWT secret (its own key, so a link tag can
/// never double as anything a token check accepts); links die with a rotated secret.
/// </summary>
static class AttachmentLinks
{
    /// <summary>How long a link works after it is issued.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    public const string ExpiresParameter = "expires";
    public const string SignatureParameter = "signature";
    const int TagBytes = 32;
    static readonly byte[] Purpose = "SupportChat attachment link v1"u8.ToArray();

    /// <summary>The path and query of a link to <paramref name="id"/> that works until <paramref name="expiresAt"/> (whole seconds).</summary>
    public static string Write(JwtSettings jwt, ObjectId id, DateTimeOffset expiresAt)
    {
        var expires = expiresAt.ToUnixTimeSeconds();
        Span<byte> tag = stackalloc byte[TagBytes];
        Tag(jwt, id, expires, tag);
        return $"/attachments/{id}?{ExpiresParameter}={expires}&{SignatureParameter}={Base64Url.EncodeToString(tag)}";
    }

    /// <summary>True only for a signature this server made for <paramref name="id"/> and <paramref name="expires"/>, before that time.</summary>
    public static bool IsValid(JwtSettings jwt, ObjectId id, string? expires, string? signature, DateTimeOffset now)
    {
        // One spelling per expiry: digits only, no sign, no leading zeros, so an altered query never reads as the same link.
        if (expires is not { Length: > 0 and <= 12 } || !expires.All(char.IsAsciiDigit) || (expires.Length > 1 && expires[0] == '0')
            || !long.TryParse(expires, out var seconds))
            return false;
        Span<byte> given = stackalloc byte[TagBytes];
        if (signature is not { Length: 43 } || !Base64Url.IsValid(signature, out var length) || length != TagBytes
            || !Base64Url.TryDecodeFromChars(signature, given, out var written) || written != TagBytes)
            return false;
        Span<byte> expected = stackalloc byte[TagBytes];
        Tag(jwt, id, seconds, expected);
        // Compared in constant time before the expiry, so the time taken says nothing about how much of a guess was right.
        return CryptographicOperations.FixedTimeEquals(expected, given) && now.ToUnixTimeSeconds() < seconds;
    }

    static void Tag(JwtSettings jwt, ObjectId id, long expires, Span<byte> tag)
    {
        Span<byte> key = stackalloc byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, jwt.SigningKey.Key, key, salt: [], info: Purpose);
        Span<byte> message = stackalloc byte[12 + 8];
        Convert.FromHexString(id.ToString(), message[..12], out _, out _);
        BinaryPrimitives.WriteInt64BigEndian(message[12..], expires);
        HMACSHA256.HashData(key, message, tag);
    }
}
