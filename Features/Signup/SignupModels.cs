using System.ComponentModel.DataAnnotations;
using System.Net.Mail;
using System.Text.Json.Serialization;
using FastEndpoints;
using FluentValidation;
using SupportChat.Common;
using SupportChat.Common.Auth;

namespace SupportChat.Features.Signup;

/// <summary>
/// <c>{name, email, password, role, supervisorId?}</c>. <c>supervisorId</c> is a string, not an <see cref="ObjectId"/>:
/// a malformed one is answered "Invalid supervisor", not a schema error (CONTRACT.md).
/// </summary>
sealed class SignupRequest
{
    /// <summary>1–100 Unicode code points after trimming (an emoji counts as one); stored trimmed.</summary>
    [MinLength(1), MaxLength(100)]   // for the OpenAPI schema, whose string lengths count code points too; the validator decides
    public string? Name { get; set; }
    /// <summary>A valid address, stored lower-cased; unique case-insensitively.</summary>
    public string? Email { get; set; }
    /// <summary>8–128 Unicode code points (an emoji counts as one); every byte counts, also past bcrypt's 72.</summary>
    [MinLength(8), MaxLength(128)]
    public string? Password { get; set; }
    /// <summary><c>admin</c>, <c>supervisor</c>, <c>agent</c> or <c>candidate</c> (lowercase).</summary>
    public string? Role { get; set; }
    /// <summary>Required for agents: the id of their supervisor. Ignored for other roles.</summary>
    public string? SupervisorId { get; set; }
}

sealed record SignupResponse(
    [property: JsonPropertyName("_id")] ObjectId Id,
    string Name,
    string Email,
    string Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ObjectId? SupervisorId);

/// <summary>Shape only (CONTRACT.md "HTTP routes"): the supervisor's existence is the handler's 400 "Invalid supervisor".</summary>
sealed class SignupValidator : Validator<SignupRequest>
{
    public SignupValidator()
    {
        RuleFor(r => r.Name).CodePointLength(1, 100, trimmed: true);
        RuleFor(r => r.Email).NotNull().MaximumLength(254).Must(BeAnEmailAddress);
        RuleFor(r => r.Password).CodePointLength(8, 128);
        RuleFor(r => r.Role).NotNull().Must(role => Roles.All.Contains(role, StringComparer.Ordinal));
    }

    static bool BeAnEmailAddress(string? email) =>
        MailAddress.TryCreate(email!.Trim(), out var address) && address.Address == email.Trim() && address.Host.Contains('.');
}
