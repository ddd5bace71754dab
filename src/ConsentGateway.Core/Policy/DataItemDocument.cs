namespace ConsentGateway.Core.Policy;

public sealed record DataItemDocument
{
    /// <summary>What the item is, in plain words, by language tag (<c>en</c> required).</summary>
    public IReadOnlyDictionary<string, string>? Label { get; init; }
}
