using System.Net;
using System.Text.Json;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.GetAttachment;

public sealed class GetAttachmentTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task An_image_is_served_inline_with_its_stored_type_and_the_safety_headers()
    {
        var chat = await app.OpenConversationAsync();
        var id = await app.UploadedIdAsync(chat.Id, chat.Candidate.Token, Uploads.Png, "Bildschirmfoto äöü €.png");

        using var response = await app.DownloadAsync($"/attachments/{id}", chat.Candidate.Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(Uploads.Png);
        response.Content.Headers.ContentType!.ToString().ShouldBe("image/png");
        response.Content.Headers.ContentLength.ShouldBe(Uploads.Png.Length);
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("inline");
        response.Content.Headers.ContentDisposition.FileNameStar.ShouldBe("Bildschirmfoto äöü €.png");   // RFC 6266 / 5987, UTF-8
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        response.Headers.CacheControl!.Private.ShouldBeTrue();
        response.Headers.CacheControl.Public.ShouldBeFalse();
    }

    [Theory]
    [InlineData(nameof(Uploads.Pdf), "application/pdf")]
    [InlineData(nameof(Uploads.Text), "text/plain")]
    public async Task Anything_but_an_image_is_served_as_a_download(string sample, string mediaType)
    {
        var chat = await app.OpenConversationAsync();
        var bytes = (byte[])typeof(Uploads).GetField(sample)!.GetValue(null)!;
        var id = await app.UploadedIdAsync(chat.Id, chat.Candidate.Token, bytes, "report (final); v2.html");

        using var response = await app.DownloadAsync($"/attachments/{id}", chat.Candidate.Token);

        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(bytes);
        response.Content.Headers.ContentType!.MediaType.ShouldBe(mediaType);
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        response.Content.Headers.ContentDisposition.FileNameStar.ShouldBe("report (final); v2.html");
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
    }

    [Fact]
    public async Task A_file_of_several_megabytes_comes_back_byte_for_byte()
    {
        var chat = await app.OpenConversationAsync();
        var bytes = new byte[3 * 1024 * 1024 + 17];
        new Random(16).NextBytes(bytes);
        Uploads.Pdf.CopyTo(bytes, 0);
        var id = await app.UploadedIdAsync(chat.Id, chat.Candidate.Token, bytes, "big.pdf");

        using var response = await app.DownloadAsync($"/attachments/{id}", chat.Candidate.Token);

        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(bytes);
    }

    [Fact]
    public async Task Everyone_who_may_read_the_conversation_may_download_and_nobody_else()
    {
        var chat = await app.AssignedConversationAsync();
        var id = await app.UploadedIdAsync(chat.Id, chat.Candidate.Token);
        var stranger = await app.NewUserAsync("candidate");
        var (otherSupervisor, otherAgent) = await app.NewTeamAsync();

        foreach (var reader in new[] { chat.Candidate.Token, chat.Agent.Token, chat.Supervisor.Token, app.Admin.Token })
            (await app.DownloadAsync($"/attachments/{id}", reader)).StatusCode.ShouldBe(HttpStatusCode.OK);
        foreach (var outsider in new[] { stranger.Token, otherAgent.Token, otherSupervisor.Token })
            (await app.GetAsync($"/attachments/{id}", outsider)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
        (await app.GetAsync($"/attachments/{id}")).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
        (await app.GetAsync($"/attachments/{id}", "not.a.token")).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
        (await app.GetAsync("/attachments/0123456789abcdef01234567", app.Admin.Token)).ShouldFail(HttpStatusCode.NotFound, "Not found");
        (await app.GetAsync("/attachments/nope", app.Admin.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    [Fact]
    public async Task A_signed_link_works_without_a_token_for_its_attachment_only()
    {
        var chat = await app.OpenConversationAsync();
        var id = await app.UploadedIdAsync(chat.Id, chat.Candidate.Token);
        var other = await app.UploadedIdAsync(chat.Id, chat.Candidate.Token, Uploads.Gif, "other.gif");

        var link = (await app.GetAsync($"/attachments/{id}/link", chat.Supervisor.Token)).ShouldSucceed();
        var url = link.GetProperty("url").GetString()!;
        var expiresAt = link.GetProperty("expiresAt").GetDateTime();

        url.ShouldStartWith($"/attachments/{id}?");
        expiresAt.ShouldBeInRange(DateTime.UtcNow.AddMinutes(4.9), DateTime.UtcNow.AddMinutes(5.1));
        using (var response = await app.DownloadAsync(url, token: null))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await response.Content.ReadAsByteArrayAsync()).ShouldBe(Uploads.Png);
            response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        }
        // The same signature on another attachment's path proves nothing about that one.
        (await app.GetAsync(url.Replace(id, other), null)).ShouldFail(HttpStatusCode.Forbidden, "Link expired or invalid");
    }

    [Fact]
    public async Task An_altered_link_is_refused_even_with_a_valid_token()
    {
        var chat = await app.OpenConversationAsync();
        var id = await app.UploadedIdAsync(chat.Id, chat.Candidate.Token);
        var url = (await app.GetAsync($"/attachments/{id}/link", chat.Candidate.Token)).ShouldSucceed().GetProperty("url").GetString()!;
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(new Uri("http://x"), url).Query);
        var expires = long.Parse(query["expires"]!);
        var signature = query["signature"]!;
        var flipped = (signature[0] == 'A' ? 'B' : 'A') + signature[1..];

        foreach (var altered in new[]
        {
            $"/attachments/{id}?expires={expires + 3600}&signature={signature}",   // a later expiry
            $"/attachments/{id}?expires={expires}&signature={flipped}",
            $"/attachments/{id}?expires={expires}&signature={signature[..^1]}",
            $"/attachments/{id}?expires=0{expires}&signature={signature}",       // the same number spelled otherwise
            $"/attachments/{id}?expires={expires}",
            $"/attachments/{id}?signature={signature}",
            $"/attachments/{id}?expires=soon&signature={signature}",
        })
        {
            (await app.GetAsync(altered, null)).ShouldFail(HttpStatusCode.Forbidden, "Link expired or invalid");
            (await app.GetAsync(altered, chat.Candidate.Token)).ShouldFail(HttpStatusCode.Forbidden, "Link expired or invalid");
        }
    }

    [Fact]
    public async Task Only_readers_of_the_conversation_get_a_link()
    {
        var chat = await app.OpenConversationAsync();
        var id = await app.UploadedIdAsync(chat.Id, chat.Candidate.Token);
        var stranger = await app.NewUserAsync("candidate");

        (await app.GetAsync($"/attachments/{id}/link", stranger.Token)).ShouldFail(HttpStatusCode.Forbidden, "Not allowed to access this conversation");
        (await app.GetAsync($"/attachments/{id}/link")).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
        (await app.GetAsync("/attachments/0123456789abcdef01234567/link", app.Admin.Token)).ShouldFail(HttpStatusCode.NotFound, "Not found");
        (await app.GetAsync($"/attachments/{id}/link", app.Admin.Token)).ShouldSucceed();
    }
}

/// <summary>Link expiry, on a fake clock.</summary>
public sealed class AttachmentLinkExpiryTests(FakeClockApp app) : IClassFixture<FakeClockApp>
{
    [Fact]
    public async Task A_link_works_for_five_minutes_and_not_a_second_longer()
    {
        var chat = await app.OpenConversationAsync();
        var id = await app.UploadedIdAsync(chat.Id, chat.Candidate.Token);
        var link = (await app.GetAsync($"/attachments/{id}/link", chat.Candidate.Token)).ShouldSucceed();
        var url = link.GetProperty("url").GetString()!;
        var expiresAt = link.GetProperty("expiresAt").GetDateTimeOffset();

        app.Clock.SetUtcNow(expiresAt.AddSeconds(-1));
        (await app.DownloadAsync(url, null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        app.Clock.SetUtcNow(expiresAt);
        (await app.GetAsync(url, null)).ShouldFail(HttpStatusCode.Forbidden, "Link expired or invalid");
        // The file itself is still there for those with a token.
        (await app.DownloadAsync($"/attachments/{id}", chat.Candidate.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
