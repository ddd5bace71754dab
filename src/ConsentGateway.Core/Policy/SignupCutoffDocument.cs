namespace ConsentGateway.Core.Policy;

public sealed record SignupCutoffDocument
{
    public string? Region { get; init; }

    /// <summary>An ISO 8601 UTC instant; accounts that signed up strictly before it are cut off.</summary>
    public string? Before { get; init; }
}
