using System.Text;
using FluentValidation;

namespace SupportChat.Common;

/// <summary>
/// Length rules of CONTRACT.md count Unicode code points, so an emoji or any other character outside the BMP counts
/// as one (a .NET string's Length counts UTF-16 code units, two for such a character). A lone surrogate counts as one.
/// </summary>
static class TextRules
{
    /// <summary>The number of Unicode code points in <paramref name="text"/>.</summary>
    public static int CodePoints(ReadOnlySpan<char> text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes()) count++;
        return count;
    }

    /// <summary>
    /// CONTRACT.md "Limits": message content holds no NUL or other C0 control character (U+0000–U+001F) except tab,
    /// line feed and carriage return; everything else is plain text, stored and returned as sent.
    /// </summary>
    public static bool HasNoControlCharacters(string? text)
    {
        foreach (var c in text.AsSpan())
            if (c < ' ' && c is not ('\t' or '\n' or '\r')) return false;
        return true;
    }

    /// <summary>Non-null, and <paramref name="min"/>–<paramref name="max"/> code points long (after trimming white space when <paramref name="trimmed"/>).</summary>
    public static IRuleBuilderOptions<T, string?> CodePointLength<T>(this IRuleBuilder<T, string?> rule, int min, int max, bool trimmed = false) =>
        rule.NotNull().Must(text => CodePoints(trimmed ? text.AsSpan().Trim() : text.AsSpan()) is var n && n >= min && n <= max)
            .WithMessage($"Must be {min}–{max} Unicode code points{(trimmed ? " after trimming" : "")}.");
}
