using System.Net;
using System.Net.Sockets;
using System.Text;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.UploadAttachment;

public sealed class UploadAttachmentTests(TestApp app) : IClassFixture<TestApp>
{
    public static TheoryData<string, string, bool> Types => new()
    {
        { nameof(Uploads.Png), "image/png", true },
        { nameof(Uploads.Jpeg), "image/jpeg", true },
        { nameof(Uploads.Gif), "image/gif", true },
        { nameof(Uploads.WebP), "image/webp", true },
        { nameof(Uploads.Pdf), "application/pdf", false },
        { nameof(Uploads.Text), "text/plain", false },
    };

    static byte[] Sample(string name) => (byte[])typeof(Uploads).GetField(name)!.GetValue(null)!;

    [Theory]
    [MemberData(nameof(Types))]
    public async Task The_type_comes_from_the_bytes_whatever_the_name_and_declared_type_say(string sample, string fileType, bool isImage)
    {
        var chat = await app.OpenConversationAsync();
        var bytes = Sample(sample);

        var data = (await app.UploadAsync(chat.Id, chat.Candidate.Token, bytes, "misleading.exe", "application/x-msdownload"))
            .ShouldSucceed(HttpStatusCode.Created);

        data.GetProperty("_id").GetString()!.ShouldMatch("^[0-9a-f]{24}$");
        data.GetProperty("fileName").GetString().ShouldBe("misleading.exe");
        data.GetProperty("fileType").GetString().ShouldBe(fileType);
        data.GetProperty("fileSize").GetInt64().ShouldBe(bytes.Length);
        data.GetProperty("isImage").GetBoolean().ShouldBe(isImage);
        data.GetProperty("createdAt").GetString()!.ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");
        data.EnumerateObject().Select(p => p.Name).ShouldBe(["_id", "fileName", "fileType", "fileSize", "isImage", "createdAt"]);
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>")]
    [InlineData("  \n<html>\n<script>fetch('/auth/me')</script></html>")]
    [InlineData("<svg onload=alert(1)> <script>alert(1)</script>")]
    [InlineData("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")]
    [InlineData("\uFEFF<script >alert(1)</script>")]
    public async Task Markup_disguised_as_an_image_is_refused(string markup)
    {
        var chat = await app.OpenConversationAsync();

        (await app.UploadAsync(chat.Id, chat.Candidate.Token, Encoding.UTF8.GetBytes(markup), "cat.png", "image/png"))
            .ShouldFail(HttpStatusCode.UnsupportedMediaType, "File type not allowed");
    }

    [Theory]
    [InlineData(new byte[] { 0x68, 0x69, 0xC3, 0x28 })]              // a broken two-byte sequence
    [InlineData(new byte[] { 0x68, 0x69, 0xE2, 0x82 })]              // cut off at the end
    [InlineData(new byte[] { 0xFF, 0xFE, 0x68, 0x00, 0x69, 0x00 })]  // UTF-16
    [InlineData(new byte[] { 0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00 })]  // an executable's MZ header, NUL bytes
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00 })]  // a zip (also .docx)
    public async Task Bytes_that_are_none_of_the_allowed_types_are_refused(byte[] bytes)
    {
        var chat = await app.OpenConversationAsync();

        (await app.UploadAsync(chat.Id, chat.Candidate.Token, bytes, "notes.txt", "text/plain"))
            .ShouldFail(HttpStatusCode.UnsupportedMediaType, "File type not allowed");
    }

    [Fact]
    public async Task A_long_text_is_checked_as_UTF8_across_every_chunk()
    {
        var chat = await app.OpenConversationAsync();
        // A multi-byte character straddles every 64 KiB chunk boundary somewhere in 300 KB of them; valid throughout.
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("ab€👀 ", 30_000)));
        var broken = text.ToArray();
        broken[^3] = 0xC0;   // one invalid byte near the end, long after the first chunk

        (await app.UploadAsync(chat.Id, chat.Candidate.Token, text, "long.txt")).ShouldSucceed(HttpStatusCode.Created)
            .GetProperty("fileType").GetString().ShouldBe("text/plain");
        (await app.UploadAsync(chat.Id, chat.Candidate.Token, broken, "long.txt"))
            .ShouldFail(HttpStatusCode.UnsupportedMediaType, "File type not allowed");
    }

    [Theory]
    [InlineData("../../../etc/passwd", "......etcpasswd")]
    [InlineData("..\\..\\Windows\\System32\\evil.dll", "....WindowsSystem32evil.dll")]
    [InlineData("/tmp/x.png", "tmpx.png")]
    [InlineData("a\u0000b\u001Fc\u007Fd\u0085e.png", "abcde.png")]
    [InlineData("invoice\u202Egnp.exe", "invoicegnp.exe")]
    [InlineData("  ../  ", "..")]
    [InlineData("/", "file")]
    public async Task The_file_name_is_kept_only_as_cleaned_display_text(string sent, string kept)
    {
        var chat = await app.OpenConversationAsync();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Uploads.Png);
        // filename* carries the name exactly, control characters included (a quoted filename could not).
        file.Headers.ContentDisposition = new("form-data") { Name = "\"file\"", FileNameStar = sent };
        form.Add(file);

        var data = (await app.SendAsync(HttpMethod.Post, $"/conversations/{chat.Id}/attachments", form, chat.Candidate.Token))
            .ShouldSucceed(HttpStatusCode.Created);

        data.GetProperty("fileName").GetString().ShouldBe(kept);
        // Nothing was written under the name: the bytes are in the database, and served back under the cleaned name only.
        File.Exists("/etc/passwd.png").ShouldBeFalse();
        using var download = await app.DownloadAsync($"/attachments/{data.GetProperty("_id").GetString()}", chat.Candidate.Token);
        (await download.Content.ReadAsByteArrayAsync()).ShouldBe(Uploads.Png);
        download.Content.Headers.ContentDisposition!.FileNameStar.ShouldBe(kept);
    }

    [Fact]
    public async Task A_name_longer_than_200_characters_is_cut_without_splitting_a_character()
    {
        var chat = await app.OpenConversationAsync();
        var name = string.Concat(Enumerable.Repeat("👀", 250)) + ".png";

        var kept = (await app.UploadAsync(chat.Id, chat.Candidate.Token, Uploads.Png, name)).ShouldSucceed(HttpStatusCode.Created)
            .GetProperty("fileName").GetString()!;

        kept.ShouldBe(string.Concat(Enumerable.Repeat("👀", 200)));
    }

    [Fact]
    public async Task An_empty_file_is_a_schema_error()
    {
        var chat = await app.OpenConversationAsync();

        (await app.UploadAsync(chat.Id, chat.Candidate.Token, [], "empty.png", "image/png"))
            .ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    [Fact]
    public async Task Anything_but_exactly_one_part_named_file_is_a_schema_error()
    {
        var chat = await app.OpenConversationAsync();
        var path = $"/conversations/{chat.Id}/attachments";

        (await app.SendAsync(HttpMethod.Post, path, Uploads.Form(Uploads.Png, partName: "image"), chat.Candidate.Token))
            .ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        var two = Uploads.Form(Uploads.Png);
        two.Add(new ByteArrayContent(Uploads.Png), "file", "second.png");
        (await app.SendAsync(HttpMethod.Post, path, two, chat.Candidate.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        (await app.SendAsync(HttpMethod.Post, path, new MultipartFormDataContent(), chat.Candidate.Token))
            .ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        (await app.SendAsync(HttpMethod.Post, path, null, chat.Candidate.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        var unterminated = new ByteArrayContent("--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno closing boundary"u8.ToArray());
        unterminated.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=x");
        (await app.SendAsync(HttpMethod.Post, path, unterminated, chat.Candidate.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        // Not multipart at all: a body of another kind, not an unsupported media type of the JSON routes.
        (await app.PostAsync(path, new { file = "x" }, chat.Candidate.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        (await app.SendAsync(HttpMethod.Post, path, new StringContent("just text"), chat.Candidate.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    [Fact]
    public async Task Only_the_candidate_and_the_assigned_agent_of_a_live_conversation_may_upload()
    {
        var chat = await app.AssignedConversationAsync();   // status open until the agent joins
        var stranger = await app.NewUserAsync("candidate");
        var (_, otherAgent) = await app.NewTeamAsync();

        (await app.UploadAsync(chat.Id, stranger.Token, Uploads.Png)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
        (await app.UploadAsync(chat.Id, otherAgent.Token, Uploads.Png)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
        (await app.UploadAsync(chat.Id, chat.Supervisor.Token, Uploads.Png)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
        (await app.UploadAsync(chat.Id, app.Admin.Token, Uploads.Png)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
        (await app.SendAsync(HttpMethod.Post, $"/conversations/{chat.Id}/attachments", Uploads.Form(Uploads.Png)))
            .ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
        (await app.UploadAsync("0123456789abcdef01234567", chat.Candidate.Token, Uploads.Png)).ShouldFail(HttpStatusCode.NotFound, "Conversation not found");
        (await app.UploadAsync("not-an-id", chat.Candidate.Token, Uploads.Png)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");

        (await app.UploadAsync(chat.Id, chat.Agent.Token, Uploads.Png)).ShouldFail(HttpStatusCode.Conflict, "Conversation not yet assigned");
        (await app.UploadAsync(chat.Id, chat.Candidate.Token, Uploads.Png)).ShouldSucceed(HttpStatusCode.Created);

        await app.SetConversationStatusAsync(chat.Id, "assigned");
        (await app.UploadAsync(chat.Id, chat.Agent.Token, Uploads.Png)).ShouldSucceed(HttpStatusCode.Created);

        await app.SetConversationStatusAsync(chat.Id, "closed");
        (await app.UploadAsync(chat.Id, chat.Candidate.Token, Uploads.Png)).ShouldFail(HttpStatusCode.Conflict, "Conversation already closed");
        (await app.UploadAsync(chat.Id, chat.Agent.Token, Uploads.Png)).ShouldFail(HttpStatusCode.Conflict, "Conversation already closed");
    }
}

/// <summary>The size limit, with a small <c>Attachments__MaxBytes</c> so that "far past it" is cheap to send.</summary>
public sealed class UploadSizeLimitTests(UploadSizeLimitTests.SmallLimitApp app) : IClassFixture<UploadSizeLimitTests.SmallLimitApp>
{
    public const int MaxBytes = 256 * 1024;

    public sealed class SmallLimitApp : TestApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Attachments:MaxBytes", MaxBytes.ToString())];
    }

    static byte[] PngOf(int size)
    {
        var bytes = new byte[size];
        Uploads.Png.CopyTo(bytes, 0);
        return bytes;
    }

    [Fact]
    public async Task A_file_of_exactly_the_limit_is_accepted_and_one_byte_more_is_413()
    {
        var chat = await app.OpenConversationAsync();
        using var http = app.CreateClient();   // its own client: a refused upload ends its connection

        (await app.UploadAsync(chat.Id, chat.Candidate.Token, PngOf(MaxBytes))).ShouldSucceed(HttpStatusCode.Created)
            .GetProperty("fileSize").GetInt64().ShouldBe(MaxBytes);
        (await http.SendAsync(HttpMethod.Post, $"/conversations/{chat.Id}/attachments", Uploads.Form(PngOf(MaxBytes + 1)), chat.Candidate.Token))
            .ShouldFail(HttpStatusCode.RequestEntityTooLarge, "File too large");
    }

    [Fact]
    public async Task A_declared_length_past_the_limit_is_refused_before_any_of_the_body_is_sent()
    {
        var chat = await app.OpenConversationAsync();
        await using var raw = await RawConnection.OpenAsync(app);

        // Only the headers: the answer must come without the server waiting for (or reading) a single byte of the gigabyte.
        await raw.SendHeadersAsync($"/conversations/{chat.Id}/attachments", chat.Candidate.Token, "Content-Length: 1073741824");

        var (status, body) = await raw.ReadResponseAsync();
        status.ShouldBe(413);
        body.ShouldContain("\"error\":\"File too large\"");
    }

    [Fact]
    public async Task An_endless_upload_is_cut_off_just_past_the_limit_while_the_client_is_still_sending()
    {
        var chat = await app.OpenConversationAsync();
        await using var raw = await RawConnection.OpenAsync(app);
        await raw.SendHeadersAsync($"/conversations/{chat.Id}/attachments", chat.Candidate.Token, "Transfer-Encoding: chunked");

        // A chunked body (no declared length) of up to 1 GiB: a server that read or buffered the whole body would make
        // the client send all of it before any answer. The answer must come while the client has sent only the limit
        // plus what loopback's socket buffers hold.
        using var stop = new CancellationTokenSource();
        var sending = raw.SendEndlessPngPartAsync(1L << 30, stop.Token);
        var (status, body) = await raw.ReadResponseAsync();
        stop.Cancel();
        var sent = await sending;

        status.ShouldBe(413);
        body.ShouldContain("\"error\":\"File too large\"");
        sent.ShouldBeLessThan(64L * 1024 * 1024, $"the client had sent {sent} bytes when the refusal arrived");
    }

    /// <summary>HTTP/1.1 by hand over TCP: HttpClient waits to finish sending before it reads, which would hide when the server answered.</summary>
    sealed class RawConnection : IAsyncDisposable
    {
        const string Boundary = "supportchat-test-boundary";
        readonly TcpClient _tcp;
        readonly NetworkStream _stream;
        readonly string _host;

        RawConnection(TcpClient tcp, string host)
        {
            _tcp = tcp;
            _stream = tcp.GetStream();
            _host = host;
        }

        public static async Task<RawConnection> OpenAsync(TestApp app)
        {
            var address = app.Http.BaseAddress!;
            var tcp = new TcpClient();
            await tcp.ConnectAsync(address.Host, address.Port);
            return new RawConnection(tcp, address.Authority);
        }

        public Task SendHeadersAsync(string path, string token, string lengthHeader) =>
            _stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"POST {path} HTTP/1.1\r\nHost: {_host}\r\nAuthorization: Bearer {token}\r\n" +
                $"Content-Type: multipart/form-data; boundary={Boundary}\r\n{lengthHeader}\r\n\r\n")).AsTask();

        /// <summary>Sends the part's headers, a PNG signature and zeros in 64 KiB chunks until <paramref name="total"/> or cancellation; returns the bytes sent.</summary>
        public async Task<long> SendEndlessPngPartAsync(long total, CancellationToken ct)
        {
            long sent = 0;
            var chunk = new byte[64 * 1024];
            Uploads.Png.CopyTo(chunk, 0);
            var head = Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.png\"\r\nContent-Type: image/png\r\n\r\n");
            try
            {
                await WriteChunkAsync(head, ct);
                while (sent < total && !ct.IsCancellationRequested)
                {
                    await WriteChunkAsync(chunk, ct);
                    sent += chunk.Length;
                    Array.Clear(chunk, 0, Uploads.Png.Length);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // the server closed the connection after refusing, or the test stopped sending
            }
            return sent;
        }

        async Task WriteChunkAsync(byte[] data, CancellationToken ct)
        {
            await _stream.WriteAsync(Encoding.ASCII.GetBytes($"{data.Length:x}\r\n"), ct);
            await _stream.WriteAsync(data, ct);
            await _stream.WriteAsync("\r\n"u8.ToArray(), ct);
        }

        /// <summary>Status and body of the response (Content-Length or chunked); fails after 10 s.</summary>
        public async Task<(int Status, string Body)> ReadResponseAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var received = new List<byte>();
            var buffer = new byte[16 * 1024];
            while (true)
            {
                var text = Encoding.UTF8.GetString(received.ToArray());
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0 && (text.Contains("}") || text.EndsWith("0\r\n\r\n", StringComparison.Ordinal)))
                    return (int.Parse(text.Split(' ')[1]), text[(end + 4)..]);
                var read = await _stream.ReadAsync(buffer, timeout.Token);
                if (read == 0) throw new IOException($"connection closed after: {text}");
                received.AddRange(buffer.AsSpan(0, read));
            }
        }

        public ValueTask DisposeAsync()
        {
            _tcp.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
