namespace ConsentGateway.Client;

/// <summary>
/// Gathers single questions for at most the max delay (or until the max size) and sends them as one
/// <c>/evaluate/batch</c> call, each with its own consistency token if it has one; each caller gets
/// the result at its position.
/// </summary>
internal sealed class MicroBatcher(Func<ConsentGatewayTransport> transport, TimeProvider time, int maxSize, TimeSpan maxDelay) : IDisposable
{
    private const int StatusUnauthorized = 401;

    private readonly Lock _gate = new();
    private List<(ConsentQuestion Question, TaskCompletionSource<ConsentResult> Reply)> _pending = [];
    private ITimer? _timer;

    public Task<ConsentResult> EnqueueAsync(ConsentQuestion question)
    {
        var reply = new TaskCompletionSource<ConsentResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        List<(ConsentQuestion, TaskCompletionSource<ConsentResult>)>? full = null;
        lock (_gate)
        {
            _pending.Add((question, reply));
            if (_pending.Count >= maxSize)
            {
                full = TakeLocked();
            }
            else if (_pending.Count == 1)
            {
                _timer = time.CreateTimer(_ => Flush(), null, maxDelay, Timeout.InfiniteTimeSpan);
            }
        }

        if (full is not null)
        {
            _ = SendAsync(full);
        }

        return reply.Task;
    }

    public void Dispose()
    {
        List<(ConsentQuestion, TaskCompletionSource<ConsentResult>)> left;
        lock (_gate)
        {
            left = TakeLocked();
        }

        foreach (var (question, reply) in left)
        {
            reply.TrySetResult(ConsentResult.Unavailable(question));
        }
    }

    private void Flush()
    {
        List<(ConsentQuestion, TaskCompletionSource<ConsentResult>)> batch;
        lock (_gate)
        {
            batch = TakeLocked();
        }

        if (batch.Count > 0)
        {
            _ = SendAsync(batch);
        }
    }

    private List<(ConsentQuestion, TaskCompletionSource<ConsentResult>)> TakeLocked()
    {
        _timer?.Dispose();
        _timer = null;
        var batch = _pending;
        _pending = [];
        return batch;
    }

    private async Task SendAsync(List<(ConsentQuestion Question, TaskCompletionSource<ConsentResult> Reply)> batch)
    {
        var questions = batch.Select(item => item.Question).ToArray();
        IReadOnlyList<ConsentResult> results;
        try
        {
            results = await transport().EvaluateBatchAsync(questions, CancellationToken.None).ConfigureAwait(false);

            // The gateway refuses a whole batch for one bad question (a consistency token that is
            // not its own, an id it does not accept): callers batched together only by time must
            // not pay for another's, so a refused batch is asked again one question at a time. A
            // refused key would refuse each question alone as well: not worth a call per question.
            if (questions.Length > 1 && results[0].GatewayRefusal is { Status: not StatusUnauthorized })
            {
                results = await Task.WhenAll(questions.Select(question => transport().EvaluateAsync(question, CancellationToken.None))).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // Fail closed: whatever went wrong, every caller gets a deny.
        catch (Exception)
#pragma warning restore CA1031
        {
            results = ConsentGatewayTransport.AllUnavailable(questions);
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Reply.TrySetResult(results[i]);
        }
    }
}
