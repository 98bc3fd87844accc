using System.Buffers;
using System.Text;

namespace SupportChat.Features.UploadAttachment;

/// <summary>
/// The type of an upload, decided from its bytes alone, never from its name or the client's Content-Type (CONTRACT.md
/// "Attachments"): the magic numbers of PNG, JPEG, GIF, WebP and PDF, else plain text when every byte is valid UTF-8.
/// Fed chunk by chunk while the upload streams in, so nothing is read twice and nothing is held whole.
/// </summary>
sealed class FileTypes
{
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Gif = "image/gif";
    public const string WebP = "image/webp";
    public const string Pdf = "application/pdf";
    public const string Text = "text/plain";

    /// <summary>How many first bytes the decision reads: every magic number, and room to skip the white space before markup.</summary>
    const int HeadBytes = 512;

    /// <summary>
    /// Markup a browser would sniff as HTML or XML, WHATWG MIME Sniffing §7.1 ("scriptable" patterns): each must be
    /// followed by a space or <c>&gt;</c>, except the XML declaration. Text starting with one is refused, not served as
    /// text: served with <c>nosniff</c> it could not run, but a client that ignores the header must never get the chance.
    /// </summary>
    static readonly string[] MarkupTags =
        ["<!DOCTYPE HTML", "<HTML", "<HEAD", "<SCRIPT", "<IFRAME", "<H1", "<DIV", "<FONT", "<TABLE", "<A", "<STYLE", "<TITLE", "<B", "<BODY", "<BR", "<P", "<!--",
         "<SVG"];   // not in the list (SVG is XML, sniffed by its declaration), but a bare <svg> runs script when rendered as SVG

    readonly byte[] _head = new byte[HeadBytes];
    int _headLength;
    readonly Decoder _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
    bool _isText = true;

    /// <summary>Takes the next chunk of the file.</summary>
    public void Append(ReadOnlySpan<byte> chunk)
    {
        var toHead = Math.Min(chunk.Length, HeadBytes - _headLength);
        chunk[..toHead].CopyTo(_head.AsSpan(_headLength));
        _headLength += toHead;
        if (!_isText) return;
        // Text means text: no NUL or other C0 control character but tab, line feed, form feed and carriage return (and ESC, for terminal colours).
        foreach (var b in chunk)
            if (b < 0x20 && b is not (0x09 or 0x0A or 0x0C or 0x0D or 0x1B)) { _isText = false; return; }
        var chars = ArrayPool<char>.Shared.Rent(chunk.Length + 4);
        try
        {
            _utf8.GetChars(chunk, chars, flush: false);   // keeps a sequence cut by the chunk's end for the next one
        }
        catch (DecoderFallbackException)
        {
            _isText = false;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>The MIME type after the last chunk; null for a type that is not allowed.</summary>
    public string? Decide()
    {
        var head = _head.AsSpan(0, _headLength);
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return Png;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return Jpeg;
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) return Gif;
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return WebP;
        if (head.StartsWith("%PDF-"u8)) return Pdf;
        if (!_isText) return null;
        try
        {
            _utf8.GetChars([], stackalloc char[4], flush: true);   // a sequence cut off by the end of the file
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        return StartsWithMarkup(head) ? null : Text;
    }

    static bool StartsWithMarkup(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) head = head[3..];
        head = head.TrimStart((ReadOnlySpan<byte>)[0x09, 0x0A, 0x0C, 0x0D, 0x20]);
        if (head.StartsWith("<?xml"u8)) return true;
        foreach (var tag in MarkupTags)
        {
            if (head.Length <= tag.Length) continue;
            var matches = true;
            for (var i = 0; i < tag.Length && matches; i++) matches = char.ToUpperInvariant((char)head[i]) == tag[i];
            if (matches && head[tag.Length] is (byte)' ' or (byte)'>') return true;
        }
        return false;
    }
}

/// <summary>The client's file name as display text only (CONTRACT.md): never a path, never written to disk.</summary>
static class FileNames
{
    /// <summary>What a name that cleans down to nothing is shown as.</summary>
    public const string Fallback = "file";

    /// <summary>
    /// Path separators and control characters (C0, DEL, C1) removed, and the invisible format characters that can
    /// disguise a name (U+202E, right-to-left override, turns "txt.exe" backwards); white space trimmed; at most
    /// 200 characters, counted as Unicode code points and never cutting one in half.
    /// </summary>
    public static string Clean(string? name)
    {
        var cleaned = new StringBuilder();
        var count = 0;
        foreach (var rune in (name ?? "").EnumerateRunes())
        {
            if (rune.Value is '/' or '\\' || Rune.IsControl(rune) || Rune.GetUnicodeCategory(rune) == System.Globalization.UnicodeCategory.Format
                || rune == Rune.ReplacementChar)
                continue;
            cleaned.Append(rune.ToString());
        }
        var trimmed = cleaned.ToString().Trim();
        var result = new StringBuilder();
        foreach (var rune in trimmed.EnumerateRunes())
        {
            if (count++ == Common.Data.Attachment.MaxFileNameLength) break;
            result.Append(rune.ToString());
        }
        return result.Length > 0 ? result.ToString().TrimEnd() : Fallback;
    }
}
