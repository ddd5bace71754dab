using System.Collections.Concurrent;
using ConsentGateway.Contracts;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Client;

/// <summary>
/// The client services use: cache, coalescing of identical in-flight questions and optional
/// micro-batching in front of the typed HTTP client. A singleton; it takes a fresh typed client
/// (from <c>IHttpClientFactory</c>) for every call.
/// </summary>
internal sealed class ConsentGatewayClient : IConsentGatewayClient, IDisposable
{
    private readonly Func<ConsentGatewayTransport> _transport;
    private readonly ConsentCache? _cache;
    private readonly MicroBatcher? _batcher;
    private readonly ConcurrentDictionary<string, Lazy<Task<ConsentResult>>> _inFlight = new(StringComparer.Ordinal);

    public ConsentGatewayClient(IServiceProvider services, IOptions<ConsentGatewayClientOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _transport = () => (ConsentGatewayTransport)services.GetService(typeof(ConsentGatewayTransport))!;
        _cache = settings.CacheEnabled ? new ConsentCache(time, settings.CacheMaxEntries) : null;
        _batcher = settings.MicroBatchingEnabled
            ? new MicroBatcher(_transport, time, settings.MicroBatchMaxSize, settings.MicroBatchMaxDelay)
            : null;
    }

    public async Task<ConsentResult> EvaluateAsync(ConsentQuestion question, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(question);
        cancellationToken.ThrowIfCancellationRequested();
        if (!IsWellFormed(question))
        {
            return ConsentResult.Unavailable(question);
        }

        var key = ConsentCache.KeyOf(question);
        if (_cache is not null && _cache.TryGet(question, key, out var cached))
        {
            return cached with { Id = question.Id };
        }

        // Identical questions in flight share one call; one with a token shares only with the same
        // token, since a call without it (or with an older one) may have left before the write.
        var flight = question.AtLeastAsFresh is { } token ? key + '\u001f' + token : key;
        var candidate = new Lazy<Task<ConsentResult>>(() => FetchAsync(question with { Id = null }, key));
        var shared = _inFlight.GetOrAdd(flight, candidate);
        var call = shared.Value;
        if (ReferenceEquals(shared, candidate))
        {
            _ = call.ContinueWith(
                _ => _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<ConsentResult>>>(flight, candidate)),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        var result = await call.WaitAsync(cancellationToken).ConfigureAwait(false);
        return result with { Id = question.Id };
    }

    public async Task<IReadOnlyList<ConsentResult>> EvaluateBatchAsync(IReadOnlyList<ConsentQuestion> questions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(questions);
        cancellationToken.ThrowIfCancellationRequested();
        var results = new ConsentResult[questions.Count];
        var missing = new List<int>();
        for (var i = 0; i < questions.Count; i++)
        {
            var question = questions[i];
            ArgumentNullException.ThrowIfNull(question, nameof(questions));
            if (!IsWellFormed(question))
            {
                results[i] = ConsentResult.Unavailable(question);
            }
            else if (_cache is not null && _cache.TryGet(question, ConsentCache.KeyOf(question), out var cached))
            {
                results[i] = cached with { Id = question.Id };
            }
            else
            {
                missing.Add(i);
            }
        }

        // The gateway takes at most 1,000 questions a batch.
        foreach (var chunk in missing.Chunk(1000))
        {
            var asked = chunk.Select(i => questions[i]).ToArray();
            var answers = await _transport().EvaluateBatchAsync(asked, CancellationToken.None)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            for (var j = 0; j < chunk.Length; j++)
            {
                results[chunk[j]] = answers[j];
                _cache?.Store(ConsentCache.KeyOf(asked[j]), answers[j] with { Id = null });
            }
        }

        return results;
    }

    public Task<PolicyResponse> GetPolicyAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _transport().GetPolicyAsync(cancellationToken);
    }

    public void Dispose() => _batcher?.Dispose();

    private static bool IsWellFormed(ConsentQuestion question) =>
        !string.IsNullOrEmpty(question.Partner)
        && question.Data is { Count: > 0 }
        && question.Data.All(item => item is not null)
        && (question.UserId is not null || question.DeviceAdId is not null);

    private async Task<ConsentResult> FetchAsync(ConsentQuestion question, string key)
    {
        try
        {
            // The shared call is never cancelled by one caller; the resilience timeout bounds it.
            var result = _batcher is not null
                ? await _batcher.EnqueueAsync(question).ConfigureAwait(false)
                : await _transport().EvaluateAsync(question, CancellationToken.None).ConfigureAwait(false);
            _cache?.Store(key, result);
            return result;
        }
#pragma warning disable CA1031 // Fail closed: whatever went wrong, the caller gets a deny.
        catch (Exception)
#pragma warning restore CA1031
        {
            return ConsentResult.Unavailable(question);
        }
    }
}
