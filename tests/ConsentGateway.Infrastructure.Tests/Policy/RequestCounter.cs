using Azure.Core;
using Azure.Core.Pipeline;

namespace ConsentGateway.Infrastructure.Tests.Policy;

/// <summary>
/// Counts the blob client's requests by method and the answers by status, and can run an action
/// between a HEAD's answer and the caller seeing it (to change the blob between two requests).
/// </summary>
internal sealed class RequestCounter : HttpPipelinePolicy
{
    private readonly Lock _lock = new();
    private readonly List<(string Method, int Status)> _exchanges = [];

    /// <summary>Runs once, after the next HEAD's answer arrived and before the client reads it.</summary>
    public Func<Task>? AfterNextHead { get; set; }

    public int Count(string method, int? status = null)
    {
        lock (_lock)
        {
            return _exchanges.Count(e => e.Method == method && (status is null || e.Status == status));
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("The policy source calls the async API only.");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        var method = message.Request.Method.Method;
        lock (_lock)
        {
            _exchanges.Add((method, message.Response.Status));
        }

        if (method == "HEAD" && AfterNextHead is { } action)
        {
            AfterNextHead = null;
            await action().ConfigureAwait(false);
        }
    }
}
