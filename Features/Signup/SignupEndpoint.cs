using Microsoft.AspNetCore.Identity;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;

namespace SupportChat.Features.Signup;

/// <summary>POST /auth/signup, anyone: create an account in any of the four roles (agents name their supervisor).</summary>
sealed class SignupEndpoint : IEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/auth/signup", Handle)
        .Validate<SignupRequest>()
        .Produces<Envelope<SignupResponse>>(StatusCodes.Status201Created)
        .ProducesErrors(400, 409, 413, 415)
        .WithName("Signup").WithTags("Auth").WithSummary("Sign up");

    static async Task<IResult> Handle(SignupRequest body, SupportChatDb db, IPasswordHasher<User> hasher, CancellationToken ct)
    {
        var email = body.Email!.Trim().ToLowerInvariant();
        if (await db.EmailIsTakenAsync(email, ct)) return ApiResult.Fail(409, ErrorMessages.EmailExists);

        ObjectId? supervisorId = null;
        if (body.Role == Roles.Agent)
        {
            if (!ObjectId.TryParse(body.SupervisorId, out var id) || !await db.IsSupervisorAsync(id, ct))
                return ApiResult.Fail(400, ErrorMessages.InvalidSupervisor);
            supervisorId = id;
        }

        var user = new User { Name = body.Name!.Trim(), Email = email, Role = body.Role!, SupervisorId = supervisorId };
        user.PasswordHash = hasher.HashPassword(user, body.Password!);
        // The check above gives the usual answer; the unique index settles two signups racing past it.
        if (!await db.TryCreateUserAsync(user, ct)) return ApiResult.Fail(409, ErrorMessages.EmailExists);

        return ApiResult.Ok(new SignupResponse(user.Id, user.Name, user.Email, user.Role, user.SupervisorId), StatusCodes.Status201Created);
    }
}
