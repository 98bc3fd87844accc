using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;

namespace SupportChat.Features.Login;

/// <summary>POST /auth/login, anyone: trade email and password for a JWT carrying userId and role.</summary>
sealed class LoginEndpoint : IEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/auth/login", Handle)
        .Validate<LoginRequest>()
        .Produces<Envelope<LoginResponse>>()
        .ProducesErrors(400, 401, 413, 415)
        .WithName("Login").WithTags("Auth").WithSummary("Log in");

    static async Task<IResult> Handle(LoginRequest body, SupportChatDb db, IPasswordHasher<User> hasher, TokenIssuer tokens, CancellationToken ct)
    {
        var email = body.Email!.Trim().ToLowerInvariant();
        var user = await db.Users.SingleOrDefaultAsync(u => u.Email == email, ct);
        if (user is null)
        {
            // Hash anyway, so response time does not reveal which emails are registered.
            hasher.HashPassword(UnknownUser, body.Password!);
            return ApiResult.Fail(401, ErrorMessages.InvalidCredentials);
        }

        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, body.Password!);
        if (verdict == PasswordVerificationResult.Failed) return ApiResult.Fail(401, ErrorMessages.InvalidCredentials);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, body.Password!);
            await db.SaveChangesAsync(ct);
        }

        return ApiResult.Ok(new LoginResponse(tokens.Issue(user.Id, user.Role)));
    }

    static readonly User UnknownUser = new() { Name = "", Email = "", Role = Roles.Candidate };
}
