using System.Text;
using Azure.Core;
using Azure.Storage.Blobs;
using ConsentGateway.Core.Policy;
using ConsentGateway.Infrastructure.Policy;
using ConsentGateway.Testing;
using ConsentGateway.Testing.InMemory;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ConsentGateway.Infrastructure.Tests.Policy;

/// <summary>
/// The Azure hot switch's source against a real Azurite blob service: a published document is read
/// by ETag through the same <see cref="PolicyReloader"/> as the self-host's file, an unchanged blob
/// costs one HEAD and no download, a blob overwritten between the HEAD and the download is never
/// half-read, and a blob or store that cannot be read keeps the policy in force.
/// </summary>
[Collection(SharedAzuriteBlob.Name)]
public sealed class BlobPolicySourceTests(AzuriteBlobServer azurite) : IAsyncLifetime, IDisposable
{
    private const string BlobName = "policy.json";
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly PolicyInForce _policy = new(PolicyLoader.LoadDefault());
    private readonly CapturedLogs _logs = new();
    private readonly TestMeterFactory _meters = new();
    private readonly RequestCounter _requests = new();
    private PolicyMetrics _metrics = null!;
    private BlobContainerClient _container = null!;

    public async Task InitializeAsync()
    {
        _metrics = new PolicyMetrics(_meters);
        _container = await azurite.CreateContainerAsync("policy", Ct);
        await PublishAsync(PolicyLoader.Serialize(PolicyLoader.ReadDefaultDocument()));
    }

    public Task DisposeAsync() => _container.DeleteIfExistsAsync(cancellationToken: Ct);

    public void Dispose()
    {
        _metrics.Dispose();
        _meters.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task A_new_valid_version_published_to_the_blob_becomes_the_policy_in_force()
    {
        using var switches = new MetricCollector<long>(_meters, PolicyMetrics.MeterName, "consent.policy.switches");
        var reloader = Reloader(Source());
        await reloader.PollAsync(Ct);

        await PublishAsync(PolicyDocuments.WithVersion("2026-12-01"));
        await reloader.PollAsync(Ct);

        Assert.Equal("2026-12-01", _policy.Current.Version);
        Assert.Null(_policy.Refused);
        Assert.Equal(1, switches.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Contains(_logs.Events, line => line.Contains($"switched to 2026-12-01, read from {_container.Uri}/{BlobName}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invalid_document_is_refused_with_its_field_path_and_the_version_in_force_stays()
    {
        using var refused = new MetricCollector<long>(_meters, PolicyMetrics.MeterName, "consent.policy.refused");
        var reloader = Reloader(Source());
        var before = _policy.Current;

        await PublishAsync(PolicyDocuments.InvalidWithVersion("2026-12-01"));
        await reloader.PollAsync(Ct);

        Assert.Same(before, _policy.Current);
        var refusal = Assert.IsType<PolicyRefusal>(_policy.Refused);
        Assert.Equal($"{_container.Uri}/{BlobName}", refusal.Source);
        Assert.Contains(refusal.Errors, error => error.StartsWith("partners[0].partnership", StringComparison.Ordinal));
        Assert.Equal(1, refused.GetMeasurementSnapshot().EvaluateAsCounter());

        // The same refused blob is not read (nor refused, nor counted) again until it changes.
        await reloader.PollAsync(Ct);
        Assert.Equal(1, refused.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task An_unchanged_blob_is_asked_for_its_etag_on_every_poll_and_downloaded_only_once()
    {
        var reloader = Reloader(Source());

        for (var poll = 0; poll < 5; poll++)
        {
            await reloader.PollAsync(Ct);
        }

        Assert.Equal(5, _requests.Count("HEAD"));
        Assert.Equal(1, _requests.Count("GET"));

        // A new upload is downloaded once, on the next poll.
        await PublishAsync(PolicyDocuments.WithVersion("2026-12-01"));
        await reloader.PollAsync(Ct);
        await reloader.PollAsync(Ct);
        Assert.Equal((7, 2), (_requests.Count("HEAD"), _requests.Count("GET")));
        Assert.Equal("2026-12-01", _policy.Current.Version);
    }

    [Fact]
    public async Task A_blob_overwritten_between_its_etag_and_its_download_is_never_half_read_and_the_newest_is_read_whole_next()
    {
        var source = Source();
        var reloader = Reloader(source);
        await reloader.PollAsync(Ct);
        await PublishAsync(PolicyDocuments.WithVersion("2026-12-01"));
        var newest = PolicyDocuments.WithVersion("2026-12-02");
        _requests.AfterNextHead = () => PublishAsync(newest);

        await reloader.PollAsync(Ct);

        // The download was conditioned on the ETag the HEAD saw, and that upload is gone: nothing is used.
        Assert.Equal(1, _requests.Count("GET", status: 412));
        Assert.Equal(PolicyDocuments.ShippedVersion, _policy.Current.Version);
        Assert.Null(_policy.Refused);

        await reloader.PollAsync(Ct);

        Assert.Equal("2026-12-02", _policy.Current.Version);
        var snapshot = await source.ReadIfChangedAsync(null, Ct);
        var properties = await _container.GetBlobClient(BlobName).GetPropertiesAsync(cancellationToken: Ct);
        Assert.Equal((properties.Value.ETag.ToString(), newest), (snapshot!.Tag, Encoding.UTF8.GetString(snapshot.Content.Span)));
    }

    [Fact]
    public async Task A_missing_blob_keeps_the_version_in_force_is_logged_once_per_interval_and_clears_when_published()
    {
        var reloader = Reloader(Source());
        await reloader.PollAsync(Ct);
        var before = _policy.Current;
        await _container.DeleteBlobAsync(BlobName, cancellationToken: Ct);

        for (var poll = 0; poll < 3; poll++)
        {
            await reloader.PollAsync(Ct);
        }

        Assert.Same(before, _policy.Current);
        var fault = Assert.IsType<PolicySourceFault>(_policy.Unreadable);
        Assert.Equal(($"{_container.Uri}/{BlobName}", _time.GetUtcNow()), (fault.Source, fault.Since));
        Assert.Contains("404", fault.Reason, StringComparison.Ordinal);
        Assert.Single(_logs.Events, line => line.Contains("cannot be read (1 time(s) since the last line)", StringComparison.Ordinal));

        _time.Advance(RateLimitedLogInterval);
        await reloader.PollAsync(Ct);
        Assert.Single(_logs.Events, line => line.Contains("cannot be read (3 time(s) since the last line)", StringComparison.Ordinal));

        await PublishAsync(PolicyDocuments.WithVersion("2026-12-01"));
        await reloader.PollAsync(Ct);
        Assert.Null(_policy.Unreadable);
        Assert.Equal("2026-12-01", _policy.Current.Version);
    }

    [Fact]
    public async Task A_blob_store_that_does_not_answer_keeps_the_version_in_force()
    {
        var closed = new BlobServiceClient(new Uri($"http://127.0.0.1:{ChildProcess.FreeLoopbackPort()}/{AzuriteProcess.AccountName}"), ClientOptions(maxRetries: 1));
        var reloader = Reloader(new BlobPolicySource(closed.GetBlobContainerClient("policy").GetBlobClient(BlobName)));
        var before = _policy.Current;

        await reloader.PollAsync(Ct);

        Assert.Same(before, _policy.Current);
        Assert.Contains("could not be reached", Assert.IsType<PolicySourceFault>(_policy.Unreadable).Reason, StringComparison.Ordinal);
    }

    private static TimeSpan RateLimitedLogInterval => Core.RateLimitedLog.DefaultInterval;

    private BlobClientOptions ClientOptions(int maxRetries = 0)
    {
        var options = new BlobClientOptions { Retry = { MaxRetries = maxRetries, Delay = TimeSpan.FromMilliseconds(10), Mode = RetryMode.Fixed } };
        options.AddPolicy(_requests, HttpPipelinePosition.PerRetry);
        return options;
    }

    private BlobPolicySource Source() =>
        new(azurite.CreateServiceClient(ClientOptions()).GetBlobContainerClient(_container.Name).GetBlobClient(BlobName));

    private PolicyReloader Reloader(IPolicyDocumentSource source) =>
        new(source, _policy, _metrics, _time, new Logger<PolicyReloader>(new LoggerFactory([_logs])));

    private async Task PublishAsync(string document) =>
        await _container.GetBlobClient(BlobName).UploadAsync(BinaryData.FromString(document), overwrite: true, Ct);
}
