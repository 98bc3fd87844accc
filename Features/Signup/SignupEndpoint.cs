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
        .ProducesErrors(400, 403, 409, 413, 415)
        .WithName("Signup").WithTags("Auth").WithSummary("Sign up");

    static async Task<IResult> Handle(SignupRequest body, SupportChatDb db, IPasswordHasher<User> hasher, SignupSettings settings, CancellationToken ct)
    {
        // The operator turned off self-service signup for this role (e.g. admin): a permission matter, not a schema one.
        if (!settings.AllowedRoles.Contains(body.Role!)) return ApiResult.Fail(403, ErrorMessages.Forbidden);
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
        if (!await db.TryInsertAsync(user, ct)) return ApiResult.Fail(409, ErrorMessages.EmailExists);

        return ApiResult.Ok(new SignupResponse(user.Id, user.Name, user.Email, user.Role, user.SupervisorId), StatusCodes.Status201Created);
    }
}
