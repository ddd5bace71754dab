using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ConsentGateway.Core.Policy;
using ConsentGateway.Infrastructure.TableStorage;

namespace ConsentGateway.Infrastructure.Policy;

/// <summary>
/// A policy document in one blob, tagged by its ETag. Each read asks for the blob's properties
/// only (a HEAD: no content); only when the ETag differs from the known one is the content
/// downloaded, on the condition that the ETag is still that one (<c>If-Match</c>). A blob
/// overwritten between the two requests fails that condition and is read whole on the next
/// poll, so a snapshot is always one upload's bytes under that upload's ETag. A missing blob,
/// a refused identity or a store that does not answer is a <see cref="PolicySourceUnavailableException"/>.
/// </summary>
public sealed class BlobPolicySource(BlobClient blob) : IPolicyDocumentSource
{
    // The address only: a client built from a SAS would carry its token in the query.
    public string Name { get; } = blob.Uri.GetLeftPart(UriPartial.Path);

    public async Task<PolicySnapshot?> ReadIfChangedAsync(string? knownTag, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var etag = properties.Value.ETag;
            if (etag.ToString() == knownTag)
            {
                return null;
            }

            var download = await blob.DownloadContentAsync(new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = etag } }, cancellationToken).ConfigureAwait(false);
            return new PolicySnapshot(download.Value.Details.ETag.ToString(), download.Value.Content.ToMemory());
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // Overwritten since the HEAD: nothing of it is used; the next poll sees the new ETag.
            return null;
        }
        catch (RequestFailedException ex) when (ex.Status != 0)
        {
            throw new PolicySourceUnavailableException($"the blob store answered {ex.Status} {ex.ErrorCode}", ex);
        }
        catch (Exception ex) when (StoreOutagePolicy.IsOutage(ex, cancellationToken))
        {
            throw new PolicySourceUnavailableException($"the blob store could not be reached or did not answer in time ({ex.GetType().Name})", ex);
        }
    }
}
