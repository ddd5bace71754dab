using System.Diagnostics.Metrics;
using ConsentGateway.Core.Evaluation;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentGateway.LoadBench;

/// <summary>Counts the projection reads a gateway's decision cache starts (<c>consent.evaluation.store_reads</c>) from now until disposed.</summary>
internal sealed class StoreReadMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _reads;

    public StoreReadMeter(BenchGateway gateway)
    {
        var meters = gateway.App.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EvaluationMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == "consent.evaluation.store_reads")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _reads, value));
        _listener.Start();
    }

    public long Reads => Interlocked.Read(ref _reads);

    public void Dispose() => _listener.Dispose();
}
