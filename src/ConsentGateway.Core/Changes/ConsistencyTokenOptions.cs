namespace ConsentGateway.Core.Changes;

/// <summary><c>Consent:ConsistencyTokens</c>: the key the read-your-writes tokens of writes are signed with.</summary>
public sealed class ConsistencyTokenOptions
{
    public const string SectionName = "Consent:ConsistencyTokens";

    /// <summary>
    /// The secret every instance signs and checks tokens with (at least 16 characters). Without
    /// one, a random key per process is used: fine for one self-hosted process, but then a token is
    /// refused by any other instance and after a restart.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>The key before <see cref="Key"/>, while rotating: tokens it signed are still accepted (new ones are signed with <see cref="Key"/>).</summary>
    public string? PreviousKey { get; set; }
}
