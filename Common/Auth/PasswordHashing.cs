using System.Collections.Concurrent;
using BCrypt.Net;
using Microsoft.AspNetCore.Identity;
using SupportChat.Common.Data;
using Bcrypt = BCrypt.Net.BCrypt;

namespace SupportChat.Common.Auth;

/// <summary>What <see cref="PasswordHashing.Verify"/> found.</summary>
enum PasswordCheck
{
    Failed,
    Succeeded,
    /// <summary>Correct, but stored in an older format or at a lower work factor: store <see cref="PasswordHashing.Hash"/> anew.</summary>
    SucceededRehashNeeded,
}

/// <summary>
/// <c>Passwords__BcryptWorkFactor</c>: bcrypt's cost (each step doubles the time of a hash and of a login; the default
/// was chosen by measuring login latency, BENCHMARKS.md "Password hashing"). 4–20; OWASP asks for at least 10 in
/// production.
/// </summary>
sealed record PasswordSettings(int WorkFactor)
{
    public const int DefaultWorkFactor = 11;

    /// <summary>Reads the setting; null, with the reason in <paramref name="problem"/>, when the service must not start.</summary>
    public static PasswordSettings? Load(IConfiguration configuration, out string problem)
    {
        var workFactor = configuration.WholeNumber("Passwords:BcryptWorkFactor", DefaultWorkFactor);
        problem = workFactor is >= 4 and <= 20 ? "" : "Passwords__BcryptWorkFactor must be a whole number from 4 to 20 (10 or more in production).";
        return problem.Length > 0 ? null : new PasswordSettings(workFactor!.Value);
    }
}

/// <summary>
/// Passwords as bcrypt hashes (BCrypt.Net-Next). Stored formats:
/// <list type="bullet">
/// <item><c>$bcrypt-sha384$$2b$NN$...</c>: every hash this service writes: bcrypt over BCrypt.Net's SHA-384 pre-hash of
/// the whole password. bcrypt itself reads only a key's first 72 bytes (and stops at a NUL), while the contract allows
/// 128 code points (up to 512 bytes): two passwords that differ only after byte 72 must not both log in.</item>
/// <item><c>$2a$</c>, <c>$2b$</c>, <c>$2y$</c>: plain bcrypt, as the PRD's Node stack (bcrypt, bcryptjs) stores it, for users
/// imported from it. Verified as Node verifies it (its first 72 bytes), then replaced at that login, so from then on
/// every byte counts.</item>
/// <item>Base64 of ASP.NET Core Identity's PBKDF2 format, written by releases before bcrypt: verified with Identity's
/// own hasher and replaced at the user's next successful login.</item>
/// </list>
/// A stored value in none of these formats fails verification (it never throws) and is logged as an error once per
/// user and process, without the value.
/// </summary>
sealed partial class PasswordHashing(PasswordSettings settings, ILogger<PasswordHashing> logger)
{
    const string PreHashedPrefix = "$bcrypt-sha384$";

    static readonly PasswordHasher<User> LegacyHasher = new();
    static readonly User LegacyUser = new() { Name = "", Email = "", Role = Roles.Candidate };

    readonly ConcurrentDictionary<ObjectId, bool> _reportedUnreadable = new();
    readonly Lazy<string> _decoy = new(() => Bcrypt.HashPassword("decoy password", Bcrypt.GenerateSalt(settings.WorkFactor, 'b'), enhancedEntropy: true, HashType.SHA384));

    /// <summary>A new salted hash of <paramref name="password"/> at the configured work factor.</summary>
    public string Hash(string password) =>
        PreHashedPrefix + Bcrypt.HashPassword(password, Bcrypt.GenerateSalt(settings.WorkFactor, 'b'), enhancedEntropy: true, HashType.SHA384);

    /// <summary>Checks <paramref name="password"/> against <paramref name="stored"/>, the hash of user <paramref name="userId"/>.</summary>
    public PasswordCheck Verify(ObjectId userId, string password, string stored)
    {
        try
        {
            if (stored.StartsWith(PreHashedPrefix, StringComparison.Ordinal))
            {
                var hash = stored[PreHashedPrefix.Length..];
                return !Bcrypt.Verify(password, hash, enhancedEntropy: true, HashType.SHA384) ? PasswordCheck.Failed
                    : Bcrypt.PasswordNeedsRehash(hash, settings.WorkFactor) ? PasswordCheck.SucceededRehashNeeded
                    : PasswordCheck.Succeeded;
            }
            if (IsPlainBcrypt(stored))
                return Bcrypt.Verify(password, stored) ? PasswordCheck.SucceededRehashNeeded : PasswordCheck.Failed;
            if (IsIdentityPbkdf2(stored))
                return LegacyHasher.VerifyHashedPassword(LegacyUser, stored, password) == PasswordVerificationResult.Failed
                    ? PasswordCheck.Failed
                    : PasswordCheck.SucceededRehashNeeded;
        }
        catch (Exception e) when (e is SaltParseException or HashInformationException or FormatException or ArgumentException)
        {
            // Falls through to the unreadable case below.
        }

        if (_reportedUnreadable.TryAdd(userId, true)) LogUnreadable(logger, userId);
        SpendVerifyTime(password);
        return PasswordCheck.Failed;
    }

    /// <summary>As long as a real verification, for an unknown email: response time must not tell which emails exist.</summary>
    public void SpendVerifyTime(string password) => Bcrypt.Verify(password, _decoy.Value, enhancedEntropy: true, HashType.SHA384);

    static bool IsPlainBcrypt(string stored) =>
        stored.Length == 60 && (stored.StartsWith("$2a$", StringComparison.Ordinal) || stored.StartsWith("$2b$", StringComparison.Ordinal)
            || stored.StartsWith("$2y$", StringComparison.Ordinal));

    /// <summary>Identity's format: base64 of a marker byte (0x00 V2, 0x01 V3) followed by salt and subkey.</summary>
    static bool IsIdentityPbkdf2(string stored)
    {
        var bytes = new byte[stored.Length];
        return Convert.TryFromBase64String(stored, bytes, out var length) && length > 1 && bytes[0] is 0x00 or 0x01;
    }

    [LoggerMessage(LogLevel.Error, "The stored password hash of user {UserId} is in no format this service reads; that user cannot log in until the password is reset")]
    static partial void LogUnreadable(ILogger logger, ObjectId userId);
}
