using FastEndpoints;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;

namespace SupportChat.Features.Signup;

/// <summary>POST /auth/signup, anyone: create an account in any of the four roles (agents name their supervisor).</summary>
sealed class SignupEndpoint(SupportChatDb db, PasswordHashing passwords, SignupSettings settings) : Endpoint<SignupRequest, Envelope<SignupResponse>>
{
    public override void Configure()
    {
        Post("/auth/signup");
        AllowAnonymous();
        Options(route => route.RequireRateLimiting(RateLimits.SignupPolicy));
        Description(route => route.ProducesEnvelope<SignupResponse>(201).ProducesErrors(400, 403, 409, 413, 415, 429));
        Summary(s =>
        {
            s.Summary = "Sign up";
            s.Description = "Roles closed to self-signup by Signup__AllowedRoles answer 403. At most RateLimit__SignupPerMinute "
                + "signups per client address and minute (429 with Retry-After).";
            s.ExampleRequest = new SignupRequest { Name = "Alice Agent", Email = "alice@example.com", Password = "secret123", Role = "agent", SupervisorId = "6740c0de5d1a2b3c4d000001" };
        });
    }

    public override async Task HandleAsync(SignupRequest req, CancellationToken ct)
    {
        // The operator turned off self-service signup for this role (e.g. admin): a permission matter, not a schema one.
        if (!settings.AllowedRoles.Contains(req.Role!)) { await Send.FailAsync(403, ErrorMessages.Forbidden, ct); return; }
        var email = req.Email!.Trim().ToLowerInvariant();
        if (await db.EmailIsTakenAsync(email, ct)) { await Send.FailAsync(409, ErrorMessages.EmailExists, ct); return; }

        ObjectId? supervisorId = null;
        if (req.Role == Common.Auth.Roles.Agent)
        {
            if (!ObjectId.TryParse(req.SupervisorId, out var id) || !await db.IsSupervisorAsync(id, ct))
            {
                await Send.FailAsync(400, ErrorMessages.InvalidSupervisor, ct);
                return;
            }
            supervisorId = id;
        }

        var user = new User { Name = req.Name!.Trim(), Email = email, Role = req.Role!, SupervisorId = supervisorId };
        user.PasswordHash = passwords.Hash(req.Password!);
        // The check above gives the usual answer; the unique index settles two signups racing past it.
        if (!await db.TryInsertAsync(user, AuditEvent.SignedUp(user), ct)) { await Send.FailAsync(409, ErrorMessages.EmailExists, ct); return; }

        await Send.ResponseAsync(Envelope.Of(new SignupResponse(user.Id, user.Name, user.Email, user.Role, user.SupervisorId)), 201, ct);
    }
}
