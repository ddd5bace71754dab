using System.Buffers;
using System.Runtime.InteropServices;

namespace ConsentGateway.EgressProxy;

/// <summary>Reads a request body whole (within a limit) and puts back what is to be forwarded.</summary>
internal static class RequestBodyBuffer
{
    /// <summary>The body, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        // Not disposed: its array is the body handed back (a MemoryStream holds nothing else).
        var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 0);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    /// <summary>Makes <paramref name="body"/> what YARP forwards, with its exact length.</summary>
    public static void Replace(HttpRequest request, ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return;
        }

        var bytes = MemoryMarshal.TryGetArray(body, out var segment) ? segment : new ArraySegment<byte>(body.ToArray());
        request.Body = new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false);
        request.ContentLength = body.Length;
        request.Headers.TransferEncoding = default;
    }
}
