namespace ConsentGateway.EndToEnd.Tests.EmbeddedStore;

/// <summary>Tests that kill and restart servers under load, and assert a staleness bound meanwhile: run after the parallel tests, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Runs alone";
}
