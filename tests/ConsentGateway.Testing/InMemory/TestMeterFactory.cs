using System.Diagnostics.Metrics;

namespace ConsentGateway.Testing.InMemory;

/// <summary>A meter factory for tests that build services by hand.</summary>
public sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose() => _meters.ForEach(meter => meter.Dispose());
}
