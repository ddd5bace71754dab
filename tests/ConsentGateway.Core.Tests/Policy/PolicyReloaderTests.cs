using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json.Nodes;
using ConsentGateway.Core.Policy;
using ConsentGateway.Testing;
using ConsentGateway.Testing.InMemory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ConsentGateway.Core.Tests.Policy;

/// <summary>A changed policy document becomes the policy in force when it is valid and new; anything else is refused and the policy in force stays.</summary>
public sealed class PolicyReloaderTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("consent-policy-reload-");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly PolicyInForce _policy = new(PolicyLoader.LoadDefault());
    private readonly CapturedLogs _logs = new();
    private readonly TestMeterFactory _meters = new();
    private readonly PolicyMetrics _metrics;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly string _path;
    private readonly PolicyReloader _reloader;

    public PolicyReloaderTests()
    {
        _path = Path.Combine(_folder.FullName, "policy.json");
        File.WriteAllText(_path, PolicyLoader.Serialize(PolicyLoader.ReadDefaultDocument()));
        _metrics = new PolicyMetrics(_meters);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == _meters)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _counts.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        _listener.Start();
        _reloader = new PolicyReloader(new PolicyFileSource(_path), _policy, _metrics, _time, new Logger<PolicyReloader>(new LoggerFactory([_logs])));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _metrics.Dispose();
        _meters.Dispose();
        _logs.Dispose();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task The_document_in_force_read_again_changes_nothing()
    {
        var before = _policy.Current;

        await _reloader.PollAsync(CancellationToken.None);

        Assert.Same(before, _policy.Current);
        Assert.Null(_policy.Refused);
    }

    [Fact]
    public async Task A_valid_document_with_a_new_version_is_switched_to()
    {
        await _reloader.PollAsync(CancellationToken.None);
        File.WriteAllText(_path, Document("2026-12-01", cutoff: "2019-01-01T00:00:00Z"));

        await _reloader.PollAsync(CancellationToken.None);

        Assert.Equal("2026-12-01", _policy.Current.Version);
        Assert.Equal(new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero), _policy.Current.Partnerships[0].CutoffBefore);
        Assert.Contains(_logs.Events, line => line.Contains("Policy 2020-04-06 switched to 2026-12-01", StringComparison.Ordinal));
        Assert.Equal((1L, 0L), (_counts.GetValueOrDefault("consent.policy.switches"), _counts.GetValueOrDefault("consent.policy.refused")));
    }

    [Fact]
    public async Task An_invalid_document_is_refused_with_its_field_paths_and_the_policy_in_force_stays_until_a_valid_one_comes()
    {
        var before = _policy.Current;
        var invalid = JsonNode.Parse(Document("2026-12-01"))!;
        invalid["partners"]![0]!["partnership"] = "ads";
        File.WriteAllText(_path, invalid.ToJsonString());

        await _reloader.PollAsync(CancellationToken.None);
        var refused = _policy.Refused;
        File.WriteAllText(_path, Document("2026-12-02"));
        await _reloader.PollAsync(CancellationToken.None);

        Assert.NotNull(refused);
        Assert.Equal((_path, _time.GetUtcNow()), (refused.Source, refused.At));
        Assert.Contains(refused.Errors, error => error.StartsWith("partners[0].partnership: 'ads'", StringComparison.Ordinal));
        Assert.Contains(_logs.Events, line => line.Contains("was refused; 2020-04-06 stays in force", StringComparison.Ordinal) && line.Contains("partners[0].partnership", StringComparison.Ordinal));
        Assert.NotSame(before, _policy.Current);
        Assert.Equal("2026-12-02", _policy.Current.Version);
        Assert.Null(_policy.Refused);
        Assert.Equal((1L, 1L), (_counts.GetValueOrDefault("consent.policy.switches"), _counts.GetValueOrDefault("consent.policy.refused")));
    }

    [Fact]
    public async Task Json_cut_short_is_refused_and_the_complete_file_then_switches()
    {
        var complete = Document("2026-12-01");
        File.WriteAllText(_path, complete[..(complete.Length / 2)]);

        await _reloader.PollAsync(CancellationToken.None);
        var refused = _policy.Refused;
        File.WriteAllText(_path, complete);
        await _reloader.PollAsync(CancellationToken.None);

        Assert.NotNull(refused);
        Assert.Equal("2026-12-01", _policy.Current.Version);
    }

    [Fact]
    public async Task Another_document_under_the_version_in_force_is_refused()
    {
        File.WriteAllText(_path, Document("2020-04-06", cutoff: "2019-01-01T00:00:00Z"));

        await _reloader.PollAsync(CancellationToken.None);

        Assert.Equal(new DateTimeOffset(2020, 4, 6, 0, 0, 0, TimeSpan.Zero), _policy.Current.Partnerships[0].CutoffBefore);
        Assert.Contains(_policy.Refused!.Errors, error => error.StartsWith("policyVersion: '2020-04-06' is the version in force", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restoring_the_document_in_force_clears_a_refusal()
    {
        var inForce = File.ReadAllText(_path);
        File.WriteAllText(_path, "{ not json");
        await _reloader.PollAsync(CancellationToken.None);
        var refused = _policy.Refused;

        File.WriteAllText(_path, inForce);
        await _reloader.PollAsync(CancellationToken.None);

        Assert.NotNull(refused);
        Assert.Null(_policy.Refused);
        Assert.Equal("2020-04-06", _policy.Current.Version);
    }

    [Fact]
    public async Task The_file_source_reports_no_change_while_the_bytes_are_the_same()
    {
        var source = new PolicyFileSource(_path);

        var first = await source.ReadIfChangedAsync(null, CancellationToken.None);
        File.WriteAllText(_path, File.ReadAllText(_path));
        var again = await source.ReadIfChangedAsync(first!.Tag, CancellationToken.None);
        File.AppendAllText(_path, "\n");
        var changed = await source.ReadIfChangedAsync(first.Tag, CancellationToken.None);

        Assert.Null(again);
        Assert.NotNull(changed);
        Assert.NotEqual(first.Tag, changed.Tag);
        Assert.Equal(File.ReadAllBytes(_path), changed.Content.ToArray());
    }

    [Fact]
    public async Task A_file_that_cannot_be_read_keeps_the_version_in_force_is_said_once_per_interval_and_clears_when_back()
    {
        await _reloader.PollAsync(CancellationToken.None);
        var before = _policy.Current;
        var inForce = File.ReadAllText(_path);
        File.Delete(_path);

        await _reloader.PollAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        await _reloader.PollAsync(CancellationToken.None);

        Assert.Same(before, _policy.Current);
        var fault = Assert.IsType<PolicySourceFault>(_policy.Unreadable);
        Assert.Equal((_path, _time.GetUtcNow() - TimeSpan.FromSeconds(1)), (fault.Source, fault.Since));
        Assert.Single(_logs.Events, line => line.Contains($"The policy source {_path} cannot be read", StringComparison.Ordinal));

        File.WriteAllText(_path, inForce);
        await _reloader.PollAsync(CancellationToken.None);

        Assert.Null(_policy.Unreadable);
        Assert.Same(before, _policy.Current);
    }

    [Fact]
    public async Task Run_reads_the_source_at_once_and_then_every_interval_until_cancelled()
    {
        File.WriteAllText(_path, Document("2026-12-01"));
        using var stop = new CancellationTokenSource();

        var running = _reloader.RunAsync(TimeSpan.FromSeconds(5), stop.Token);
        await Conditions.WaitUntilAsync(() => _policy.Current.Version == "2026-12-01");
        File.WriteAllText(_path, Document("2026-12-02"));
        _time.Advance(TimeSpan.FromSeconds(5));
        await Conditions.WaitUntilAsync(() => _policy.Current.Version == "2026-12-02");
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    private static string Document(string version, string? cutoff = null)
    {
        var document = JsonNode.Parse(PolicyLoader.Serialize(PolicyLoader.ReadDefaultDocument()))!;
        document["policyVersion"] = version;
        if (cutoff is not null)
        {
            document["partnerships"]![0]!["signupCutoff"]!["before"] = cutoff;
        }

        return document.ToJsonString();
    }
}
