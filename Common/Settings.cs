namespace SupportChat.Common;

/// <summary>Reading numeric settings so that a bad value stops the start with the setting's name, never an exception.</summary>
static class Settings
{
    /// <summary>
    /// The whole number at <paramref name="key"/> (<c>Section:Name</c>); <paramref name="fallback"/> when unset or blank;
    /// null when set to anything that is not a whole number.
    /// </summary>
    public static int? WholeNumber(this IConfiguration configuration, string key, int fallback) =>
        configuration[key] is not { } text || string.IsNullOrWhiteSpace(text) ? fallback
        : int.TryParse(text, out var value) ? value
        : null;
}
