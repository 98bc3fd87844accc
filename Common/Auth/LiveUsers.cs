using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using SupportChat.Common.Data;

namespace SupportChat.Common.Auth;

/// <summary>
/// CONTRACT.md "Token": a token is honoured only while its user exists and has the role the token names, on every
/// HTTP route and on the socket. A correctly signed token outlives its user when the database is restored from an
/// older backup or recreated under the same <c>Jwt__Secret</c>. Each user's role (or absence) is remembered for
/// <c>Jwt__UserCheckSeconds</c> (default 10 s; 0 asks the database every time), so a busy client costs one small
/// indexed read per interval, not one per request or connect.
/// </summary>
sealed class LiveUsers(IDbContextFactory<SupportChatDb> databases, JwtSettings settings) : IDisposable
{
    // Its own cache with a bound: a flood of tokens of many users must not grow memory without limit.
    readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    static readonly Func<SupportChatDb, ObjectId, CancellationToken, Task<string?>> FindRole =
        EF.CompileAsyncQuery((SupportChatDb db, ObjectId id, CancellationToken ct) =>
            db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => u.Role).SingleOrDefault());

    /// <summary>True when user <paramref name="userId"/> exists now with exactly <paramref name="role"/>.</summary>
    public async ValueTask<bool> HasRoleAsync(ObjectId userId, string role, CancellationToken ct)
    {
        if (settings.UserCheckInterval <= TimeSpan.Zero) return await ReadRoleAsync(userId, ct) == role;
        if (!cache.TryGetValue(userId, out string? current))
        {
            current = await ReadRoleAsync(userId, ct);
            using var entry = cache.CreateEntry(userId);
            entry.Value = current;
            entry.Size = 1;
            entry.AbsoluteExpirationRelativeToNow = settings.UserCheckInterval;
        }
        return current == role;
    }

    public void Dispose() => cache.Dispose();

    async Task<string?> ReadRoleAsync(ObjectId userId, CancellationToken ct)
    {
        await using var db = await databases.CreateDbContextAsync(ct);
        return await FindRole(db, userId, ct);
    }
}
