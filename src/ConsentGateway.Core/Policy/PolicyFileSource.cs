using System.Security.Cryptography;

namespace ConsentGateway.Core.Policy;

/// <summary>
/// A policy document in a file, tagged by the SHA-256 of its content (a rewrite with the same bytes
/// is no change); a file that cannot be read is a <see cref="PolicySourceUnavailableException"/>.
/// </summary>
public sealed class PolicyFileSource(string path) : IPolicyDocumentSource
{
    public string Name { get; } = Path.GetFullPath(path);

    public async Task<PolicySnapshot?> ReadIfChangedAsync(string? knownTag, CancellationToken cancellationToken)
    {
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(Name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PolicySourceUnavailableException(ex.Message, ex);
        }

        var tag = Convert.ToHexStringLower(SHA256.HashData(content));
        return tag == knownTag ? null : new PolicySnapshot(tag, content);
    }
}
