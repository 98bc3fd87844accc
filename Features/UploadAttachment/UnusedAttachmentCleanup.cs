using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Features.UploadAttachment;

/// <summary>
/// Deletes uploads no message used once they are older than <c>Attachments__UnusedRetentionHours</c> (CONTRACT.md: 24
/// hours), looking every <c>Attachments__CleanupMinutes</c>. Runs on the app's <see cref="TimeProvider"/>, so tests
/// drive it with a fake clock. A message's claim and this delete are each one conditional statement, so an upload is
/// either claimed or deleted, never both.
/// </summary>
sealed partial class UnusedAttachmentCleanup(IServiceScopeFactory scopes, AttachmentSettings settings, TimeProvider clock,
    ILogger<UnusedAttachmentCleanup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.CleanupInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var deleted = await DeleteUnusedAsync(stoppingToken);
                    if (deleted > 0) LogDeleted(logger, deleted);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, e);   // tried again at the next tick
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>Deletes every unused upload created before now minus the retention; returns how many.</summary>
    internal async Task<int> DeleteUnusedAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - settings.UnusedRetention;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SupportChatDb>();
        return await db.Attachments.Where(a => a.UsedAt == null && a.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
    }

    [LoggerMessage(LogLevel.Information, "Deleted {Count} uploads no message used")]
    static partial void LogDeleted(ILogger logger, int count);

    [LoggerMessage(LogLevel.Warning, "Deleting unused uploads failed; trying again at the next interval")]
    static partial void LogFailed(ILogger logger, Exception exception);
}
