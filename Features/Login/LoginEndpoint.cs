using FastEndpoints;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;

namespace SupportChat.Features.Login;

/// <summary>POST /auth/login, anyone: trade email and password for a JWT carrying userId and role.</summary>
sealed class LoginEndpoint(SupportChatDb db, PasswordHashing passwords, TokenIssuer tokens, LoginThrottle throttle) : Endpoint<LoginRequest, Envelope<LoginResponse>>
{
    public override void Configure()
    {
        Post("/auth/login");
        AllowAnonymous();
        Description(route => route.ProducesErrors(401, 413, 415, 429));
        Summary(s =>
        {
            s.Summary = "Log in";
            s.Description = "An unknown email and a wrong password get the same 401, in the same time. After RateLimit__LoginPerMinute "
                + "failed logins for one email (or ten times as many from one client address) within a minute, logins answer 429 "
                + "with Retry-After until the minute is over, even with the right password.";
            s.ExampleRequest = new LoginRequest { Email = "alice@example.com", Password = "secret123" };
        });
    }

    public override async Task HandleAsync(LoginRequest req, CancellationToken ct)
    {
        var email = req.Email!.Trim().ToLowerInvariant();
        var address = RateLimits.ClientAddress(HttpContext);
        if (throttle.Refusal(email, address) is { } refusal)
        {
            using (refusal) RateLimits.SetRetryAfter(HttpContext.Response, refusal);
            await Send.FailAsync(429, ErrorMessages.TooManyRequests, ct);
            return;
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Email == email, ct);
        if (user is null) passwords.SpendVerifyTime(req.Password!);
        var check = user is null ? PasswordCheck.Failed : passwords.Verify(user.Id, req.Password!, user.PasswordHash);
        if (check == PasswordCheck.Failed)
        {
            throttle.RecordFailure(email, address);
            await RecordFailureAsync(user?.Id);
            await Send.FailAsync(401, ErrorMessages.InvalidCredentials, ct);
            return;
        }
        if (check == PasswordCheck.SucceededRehashNeeded)
        {
            user!.PasswordHash = passwords.Hash(req.Password!);
            await db.SaveChangesAsync(ct);
        }

        await Send.OkAsync(Envelope.Of(new LoginResponse(tokens.Issue(user!.Id, user.Role))), ct);
    }

    /// <summary>
    /// Both kinds of failure write one event, so they still take the same time. Not cancellable: a guesser who hangs
    /// up before the answer must not go unrecorded.
    /// </summary>
    Task RecordFailureAsync(ObjectId? userId) => db.AppendAuditAsync([AuditEvent.LoginFailed(userId)], CancellationToken.None);
}
