using System.Net.Sockets;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using ConsentGateway.Core;

namespace ConsentGateway.Infrastructure.TableStorage;

/// <summary>
/// Turns every way the table client says "the store is not there" into one
/// <see cref="StoreUnavailableException"/>, once the SDK's own retries are spent: a refused or
/// dropped connection, a try that timed out (<see cref="TableStorageOptions.RequestTimeout"/>),
/// or a 408 or 5xx answer. It sits in the pipeline before the retry policy (per call), so it sees
/// every call of every table store, queries included. A cancellation by the caller's token stays
/// an <see cref="OperationCanceledException"/>; every other answer (404, 409, 412, …) is left to
/// the stores.
/// </summary>
internal sealed class StoreOutagePolicy : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            ProcessNext(message, pipeline);
        }
        catch (Exception ex) when (IsOutage(ex, message.CancellationToken))
        {
            throw Unavailable(ex);
        }

        ThrowIfFailedAnswer(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOutage(ex, message.CancellationToken))
        {
            throw Unavailable(ex);
        }

        ThrowIfFailedAnswer(message);
    }

    /// <summary>The store did not answer: the transport failed, or a try timed out (the caller did not cancel).</summary>
    internal static bool IsOutage(Exception exception, CancellationToken callerToken) => exception switch
    {
        _ when callerToken.IsCancellationRequested => false,
        AggregateException { InnerExceptions.Count: > 0 } all => all.InnerExceptions.All(inner => IsOutage(inner, callerToken)),
        RequestFailedException { Status: 0 } => true,
        RequestFailedException => false,
        HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException => true,
        _ => false,
    };

    private static void ThrowIfFailedAnswer(HttpMessage message)
    {
        if (message.HasResponse && message.Response.Status is 408 or >= 500)
        {
            throw Unavailable(new RequestFailedException(message.Response));
        }
    }

    // The message names the kind of failure only: the inner exceptions may hold the request URI, and with it keys.
    private static StoreUnavailableException Unavailable(Exception cause) =>
        new($"The table store could not be reached or did not answer in time ({cause.GetType().Name}).", cause);
}
