namespace ConsentGateway.Core.Policy;

/// <summary>A policy document that must not be used; each error starts with its field path.</summary>
public sealed class PolicyValidationException(IReadOnlyList<string> errors)
    : Exception("Invalid policy document:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
