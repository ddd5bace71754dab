using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// One <see cref="ReadLane"/> per egress proxy for single decisions and one for its batches
/// (<c>Consent:Evaluation:MaxReadsPerLane</c> each), so neither a proxy's cold batch nor another
/// proxy's flood of new ids can take the store reads a decision needs.
/// </summary>
public sealed class ReadLanes(IOptions<EvaluationOptions> options) : IDisposable
{
    private readonly int _maxReads = options.Value.MaxReadsPerLane;
    private readonly ConcurrentDictionary<(string Caller, bool Batch), ReadLane> _lanes = new();

    /// <summary>The lane of callers in this process that are not egress proxies (tests, tools).</summary>
    public ReadLane InProcess => For("(in process)");

    public ReadLane For(string proxyName) => Lane(proxyName, batch: false);

    public ReadLane ForBatches(string proxyName) => Lane(proxyName, batch: true);

    public void Dispose()
    {
        foreach (var lane in _lanes.Values)
        {
            lane.Dispose();
        }
    }

    private ReadLane Lane(string caller, bool batch) =>
        _lanes.TryGetValue((caller, batch), out var lane) ? lane : _lanes.GetOrAdd((caller, batch), static (key, max) => new ReadLane(key.Caller, max), _maxReads);
}
