namespace SupportChat.Common;

/// <summary>
/// The <c>Attachments</c> section (CONTRACT.md "Attachments"): <c>Attachments__MaxBytes</c>, the largest file accepted,
/// in bytes (default 10 MiB); <c>Attachments__UnusedRetentionHours</c>, how long an upload no message uses is kept
/// (default 24); <c>Attachments__CleanupMinutes</c>, how often such uploads are looked for (default 10).
/// </summary>
sealed record AttachmentSettings(long MaxBytes, TimeSpan UnusedRetention, TimeSpan CleanupInterval)
{
    public const int DefaultMaxBytes = 10 * 1024 * 1024;

    /// <summary>Reads the section; null, with the reason in <paramref name="problem"/>, when the service must not start.</summary>
    public static AttachmentSettings? Load(IConfiguration configuration, out string problem)
    {
        var maxBytes = configuration.WholeNumber("Attachments:MaxBytes", DefaultMaxBytes) ?? -1;
        var retentionHours = configuration.WholeNumber("Attachments:UnusedRetentionHours", 24) ?? -1;
        var cleanupMinutes = configuration.WholeNumber("Attachments:CleanupMinutes", 10) ?? -1;
        problem = maxBytes <= 0 ? "Attachments__MaxBytes must be a positive number of bytes."
            : retentionHours <= 0 ? "Attachments__UnusedRetentionHours must be a positive number of hours."
            : cleanupMinutes <= 0 ? "Attachments__CleanupMinutes must be a positive number of minutes."
            : "";
        return problem.Length > 0 ? null
            : new AttachmentSettings(maxBytes, TimeSpan.FromHours(retentionHours), TimeSpan.FromMinutes(cleanupMinutes));
    }
}
