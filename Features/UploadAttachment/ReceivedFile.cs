using System.Buffers;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace SupportChat.Features.UploadAttachment;

/// <summary>Why an upload was not received.</summary>
enum UploadProblem { None, Malformed, TooLarge, Empty, TypeNotAllowed }

/// <summary>
/// The one part named <c>file</c> of a <c>multipart/form-data</c> body, parsed by ASP.NET Core's
/// <see cref="MultipartReader"/> and copied chunk by chunk into a temporary file that deletes itself on dispose,
/// counting as it goes: past the limit it stops reading at once, so a 1 GiB upload costs one chunk of memory and the
/// limit's worth of reading, never the whole body. Its type is decided from the bytes on the way (<see cref="FileTypes"/>).
/// </summary>
sealed class ReceivedFile : IAsyncDisposable
{
    const int ChunkBytes = 64 * 1024;
    public const string PartName = "file";

    ReceivedFile(FileStream content) => Content = content;

    /// <summary>The bytes, positioned at 0 once received.</summary>
    public FileStream Content { get; }
    public long Length { get; private set; }
    public string FileName { get; private set; } = FileNames.Fallback;
    public string FileType { get; private set; } = "";

    /// <summary>Reads the body; the file, or the problem that refuses it (with the file null).</summary>
    public static async Task<(ReceivedFile? File, UploadProblem Problem)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary) is not { Length: > 0 and <= 70 } boundary)
            return (null, UploadProblem.Malformed);

        var file = new ReceivedFile(new FileStream(Path.Combine(Path.GetTempPath(), $"supportchat-upload-{Guid.NewGuid():N}"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, ChunkBytes, FileOptions.Asynchronous | FileOptions.DeleteOnClose));
        var problem = UploadProblem.Malformed;
        try
        {
            problem = await file.ReceiveAsync(new MultipartReader(boundary.ToString(), request.Body), maxBytes, ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            problem = UploadProblem.TooLarge;   // the body as a whole passed its limit before the file did
        }
        catch (Exception e) when (e is InvalidDataException or (IOException and not BadHttpRequestException))
        {
            // A malformed body (no closing boundary, headers too long); BadHttpRequestException (Kestrel's own limit) is the exception handler's.
        }
        if (problem == UploadProblem.None) return (file, problem);
        await file.DisposeAsync();
        return (null, problem);
    }

    async Task<UploadProblem> ReceiveAsync(MultipartReader reader, long maxBytes, CancellationToken ct)
    {
        var section = await reader.ReadNextSectionAsync(ct);
        // A form-data part, file or not (IsFileDisposition would refuse a part without a file name, which is harmless here).
        if (section?.GetContentDispositionHeader() is not { } disposition || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(disposition.Name).ToString() != PartName)
            return UploadProblem.Malformed;
        FileName = FileNames.Clean(disposition.FileNameStar.HasValue ? disposition.FileNameStar.ToString() : HeaderUtilities.RemoveQuotes(disposition.FileName).ToString());

        var types = new FileTypes();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int read;
            while ((read = await section.Body.ReadAsync(chunk.AsMemory(0, ChunkBytes), ct)) > 0)
            {
                Length += read;
                if (Length > maxBytes) return UploadProblem.TooLarge;   // stop reading here: the rest is never read
                types.Append(chunk.AsSpan(0, read));
                await Content.WriteAsync(chunk.AsMemory(0, read), ct);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        // Exactly one part: anything after the file is a malformed request.
        if (await reader.ReadNextSectionAsync(ct) is not null) return UploadProblem.Malformed;
        if (Length == 0) return UploadProblem.Empty;
        if (types.Decide() is not { } type) return UploadProblem.TypeNotAllowed;
        FileType = type;
        await Content.FlushAsync(ct);
        Content.Position = 0;
        return UploadProblem.None;
    }

    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
