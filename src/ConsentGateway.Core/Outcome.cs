namespace ConsentGateway.Core;

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
