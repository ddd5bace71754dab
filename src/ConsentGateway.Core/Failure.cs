using ConsentGateway.Contracts;
namespace ConsentGateway.Core;

/// <summary>A failure with a stable machine-readable <see cref="Code"/> and a human <see cref="Detail"/>.</summary>
public sealed record Failure(FailureKind Kind, string Code, string Detail)
{
    public static Failure Invalid(string code, string detail) => new(FailureKind.Invalid, code, detail);

    public static Failure AccountNotFound() => new(FailureKind.NotFound, ProblemCodes.AccountNotFound, "No account with this id exists.");
}
