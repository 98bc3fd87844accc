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

    /// <summary>Non-null, and <paramref name="min"/>–<paramref name="max"/> code points long (after trimming white space when <paramref name="trimmed"/>).</summary>
    public static IRuleBuilderOptions<T, string?> CodePointLength<T>(this IRuleBuilder<T, string?> rule, int min, int max, bool trimmed = false) =>
        rule.NotNull().Must(text => CodePoints(trimmed ? text.AsSpan().Trim() : text.AsSpan()) is var n && n >= min && n <= max)
            .WithMessage($"Must be {min}–{max} Unicode code points{(trimmed ? " after trimming" : "")}.");
}
