using FluentValidation;

namespace SupportChat.Features.Login;

sealed record LoginRequest(string? Email, string? Password);

sealed record LoginResponse(string Token);

/// <summary>Contract: only presence and type are checked; any other mismatch is the one "Invalid email or password".</summary>
sealed class LoginValidator : AbstractValidator<LoginRequest>
{
    public LoginValidator()
    {
        RuleFor(r => r.Email).NotNull();
        RuleFor(r => r.Password).NotNull();
    }
}
