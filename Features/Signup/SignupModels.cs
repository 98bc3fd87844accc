using System.Net.Mail;
using System.Text.Json.Serialization;
using FluentValidation;
using SupportChat.Common;
using SupportChat.Common.Auth;

namespace SupportChat.Features.Signup;

/// <summary><c>supervisorId</c> is a string, not an <see cref="ObjectId"/>: a malformed one is answered "Invalid supervisor", not a schema error.</summary>
sealed record SignupRequest(string? Name, string? Email, string? Password, string? Role, string? SupervisorId);

sealed record SignupResponse(
    [property: JsonPropertyName("_id")] ObjectId Id,
    string Name,
    string Email,
    string Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ObjectId? SupervisorId);

sealed class SignupValidator : AbstractValidator<SignupRequest>
{
    public SignupValidator()
    {
        RuleFor(r => r.Name).NotNull().Must(name => name!.Trim().Length is >= 1 and <= 100);
        RuleFor(r => r.Email).NotNull().MaximumLength(254).Must(BeAnEmailAddress);
        RuleFor(r => r.Password).NotNull().Length(8, 128);
        RuleFor(r => r.Role).NotNull().Must(role => Roles.All.Contains(role, StringComparer.Ordinal));
    }

    static bool BeAnEmailAddress(string? email) =>
        MailAddress.TryCreate(email!.Trim(), out var address) && address.Address == email.Trim() && address.Host.Contains('.');
}
