using System.Diagnostics.Metrics;

namespace ConsentGateway.Testing.InMemory;

/// <summary>A meter factory for tests that build services by hand.</summary>
public sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    /// <summary>Its meters' scope is this factory, so a listener can tell them from other tests' meters of the same name.</summary>
    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Scope = this;
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose() => _meters.ForEach(meter => meter.Dispose());
}
