using System.Globalization;

namespace SupportChat.Common;

/// <summary>ISO-8601 instants as the query string carries them.</summary>
static class Instant
{
    // A time without a zone is refused: it names a different instant on every server.
    static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd",
    ];

    public static bool TryParse(string? text, out DateTime utc)
    {
        var parsed = DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant);
        utc = parsed ? instant.UtcDateTime : default;
        return parsed;
    }

    public static DateTime Parse(string text) => TryParse(text, out var utc) ? utc : throw new FormatException($"'{text}' is not an ISO-8601 instant.");
}
