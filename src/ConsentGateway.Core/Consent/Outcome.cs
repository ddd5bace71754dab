namespace ConsentGateway.Core.Consent;

/// <summary>What kind of failure a use case reports; the HTTP layer maps each to one status code.</summary>
public enum FailureKind
{
    /// <summary>The input breaks a rule (400).</summary>
    Invalid,

    /// <summary>The account or device does not exist (404).</summary>
    NotFound,

    /// <summary>The caller's <c>If-Match</c> version is no longer current (412).</summary>
    PreconditionFailed,

    /// <summary>Concurrent writers kept winning; nothing was written, the caller may retry (409).</summary>
    Conflict,
}

/// <summary>A failure with a stable machine-readable <see cref="Code"/> and a human <see cref="Detail"/>.</summary>
public sealed record Failure(FailureKind Kind, string Code, string Detail)
{
    public static Failure Invalid(string code, string detail) => new(FailureKind.Invalid, code, detail);

    public static Failure AccountNotFound() => new(FailureKind.NotFound, "account-not-found", "No account with this id exists.");
}

/// <summary>Either a value or a <see cref="Failure"/>.</summary>
public readonly record struct Outcome<T>
{
    internal Outcome(T? value, Failure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }

    public Failure? Failure { get; }

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(Failure failure) => new(default, failure);
}

public static class Outcome
{
    /// <summary>A success, for values whose static type is an interface (no implicit conversion exists).</summary>
    public static Outcome<T> Success<T>(T value) => new(value, null);
}
