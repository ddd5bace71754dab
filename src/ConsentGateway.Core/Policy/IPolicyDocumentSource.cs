namespace ConsentGateway.Core.Policy;

/// <summary>Where a host reads its policy document from while it runs (a file on the self-host, a blob on Azure).</summary>
public interface IPolicyDocumentSource
{
    /// <summary>The source for people and logs: a path, a blob address without its query.</summary>
    string Name { get; }

    /// <summary>The document and a tag that changes with it, or <c>null</c> while the tag is still <paramref name="knownTag"/>.</summary>
    /// <exception cref="PolicySourceUnavailableException">The source cannot be read now (missing, forbidden, not answering).</exception>
    Task<PolicySnapshot?> ReadIfChangedAsync(string? knownTag, CancellationToken cancellationToken);
}
