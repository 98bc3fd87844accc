using FastEndpoints;
using FluentValidation;

namespace SupportChat.Features.Login;

/// <summary><c>{email, password}</c>; the email matches case-insensitively.</summary>
sealed class LoginRequest
{
    public string? Email { get; set; }
    public string? Password { get; set; }
}

/// <summary>A JWT carrying the claims <c>userId</c> and <c>role</c> and an expiry (<c>Jwt__ExpiryMinutes</c>).</summary>
sealed record LoginResponse(string Token);

/// <summary>Contract: only presence and type are checked; any other mismatch is the one "Invalid email or password".</summary>
sealed class LoginValidator : Validator<LoginRequest>
{
    public LoginValidator()
    {
        RuleFor(r => r.Email).NotNull();
        RuleFor(r => r.Password).NotNull();
    }
}
