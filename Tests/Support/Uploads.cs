using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace SupportChat.Tests.Support;

/// <summary>Multipart uploads to <c>POST /conversations/:id/attachments</c>, and files of each type by their first bytes.</summary>
public static class Uploads
{
    public static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 1, 2, 3];
    public static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0];
    public static readonly byte[] Gif = "GIF89a\x01\x00\x01\x00"u8.ToArray();
    public static readonly byte[] WebP = [.. "RIFF"u8, 26, 0, 0, 0, .. "WEBPVP8 "u8, 1, 2, 3];
    public static readonly byte[] Pdf = "%PDF-1.7\n%\xE2\xE3\n1 0 obj\n<<>>\nendobj\n"u8.ToArray();
    public static readonly byte[] Text = "Line one\r\nZeile zwei: Grüße ⏳ 👀\n\tindented\n"u8.ToArray();

    /// <summary>One part named <c>file</c> (or <paramref name="partName"/>) with the given bytes, file name and declared type.</summary>
    public static MultipartFormDataContent Form(byte[] bytes, string fileName = "file.bin", string contentType = "application/octet-stream", string partName = "file")
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var form = new MultipartFormDataContent { { file, partName, fileName } };
        return form;
    }

    public static Task<ApiResponse> UploadAsync(this ITestService app, string conversationId, string token, byte[] bytes,
        string fileName = "file.bin", string contentType = "application/octet-stream") =>
        app.SendAsync(HttpMethod.Post, $"/conversations/{conversationId}/attachments", Form(bytes, fileName, contentType), token);

    /// <summary>Uploads and returns the new attachment's id.</summary>
    public static async Task<string> UploadedIdAsync(this ITestService app, string conversationId, string token, byte[]? bytes = null, string fileName = "shot.png") =>
        (await app.UploadAsync(conversationId, token, bytes ?? Png, fileName)).ShouldSucceed(System.Net.HttpStatusCode.Created)
            .GetProperty("_id").GetString()!;

    /// <summary>A raw GET (the body is the file, not JSON).</summary>
    public static async Task<HttpResponseMessage> DownloadAsync(this ITestService app, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await app.Http.SendAsync(request);
    }
}

/// <summary>The app on a <see cref="FakeTimeProvider"/> (starting now), for expiries and the cleanup job.</summary>
public class FakeClockApp : TestApp
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
}
