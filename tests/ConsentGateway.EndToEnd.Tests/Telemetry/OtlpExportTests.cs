using System.Net;
using ConsentGateway.Core.Projection;
using ConsentGateway.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentGateway.EndToEnd.Tests.Telemetry;

/// <summary>
/// The self-host exports its three signals by OTLP to the endpoint it is given, as
/// <c>service.name = consent-gateway</c>: a collector (<see cref="OtlpReceiver"/>) in the test
/// receives them while decisions are made, and once more as the server stops (the SDK flushes).
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task The_self_host_exports_traces_metrics_and_logs_with_its_resource_by_otlp()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        var server = new GatewayServer
        {
            ExtraArguments =
            [
                "--OTEL_EXPORTER_OTLP_ENDPOINT", collector.Endpoint.ToString(),
                "--OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                "--OTEL_METRIC_EXPORT_INTERVAL", "500",
                "--OTEL_BSP_SCHEDULE_DELAY", "200",
                "--OTEL_BLRP_SCHEDULE_DELAY", "200",
                "--Logging:LogLevel:ConsentGateway.Decisions", "Information",
            ],
        };
        string userId;
        await server.InitializeAsync();
        try
        {
            userId = await server.CreateAccountAsync(enabled: true);

            // The setting projected before the three checks (propagation is asynchronous), read
            // from the store so the wait itself makes no decision.
            var projections = server.Services.GetRequiredService<IProjectionStore>();
            await PropagationTests.Eventually(TimeSpan.FromSeconds(30), async () => (await projections.GetAccountAsync(userId, CancellationToken.None))?.Value.Setting == true);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.OK, await server.CheckGoogleIpAsync(userId));
            }
        }
        finally
        {
            // Stopping flushes what the batches still hold.
            await server.DisposeAsync();
        }

        foreach (var signal in (string[])[OtlpReceiver.Traces, OtlpReceiver.Metrics, OtlpReceiver.Logs])
        {
            var resources = collector.Resources(signal);
            Assert.NotEmpty(resources);
            Assert.All(resources, resource =>
            {
                Assert.Equal("consent-gateway", resource["service.name"]);
                Assert.False(string.IsNullOrEmpty(resource["service.version"]), $"{signal}: no service.version");
            });
        }

        // Traces: the decisions, inside ASP.NET Core's server spans. (Activity sources are per
        // process: other tests' servers running meanwhile may add spans of theirs, hence "at least".)
        var spans = collector.SpanNames();
        Assert.True(spans.Count(name => name == "consent.decide") >= 3, string.Join(", ", spans));
        Assert.Contains(spans, name => name.StartsWith("GET /api/v1/check", StringComparison.Ordinal));

        // Metrics: the gateway's, with units, and ASP.NET Core's HTTP server duration.
        var metrics = collector.MetricNames();
        Assert.Contains(("consent.decisions", "{decision}"), metrics);
        Assert.Contains(("consent.decision.reasons", "{reason}"), metrics);
        Assert.Contains(metrics, metric => metric == ("http.server.request.duration", "s"));

        // Logs: the decision log, its fields as attributes, no raw id.
        // (The category also warns once that no SubjectHashKey is set.)
        var decisions = collector.LogRecords().Where(record => record.Scope == "ConsentGateway.Decisions" && record.Attributes.ContainsKey("DecisionId")).ToList();
        Assert.Equal(3, decisions.Count);
        Assert.All(decisions, record =>
        {
            Assert.Equal("tests", record.Attributes["Proxy"]);
            Assert.Equal("allow", record.Attributes["Decision"]);
            Assert.Matches("^[0-9a-f]{32}$", record.Attributes["UserHash"]);
            Assert.DoesNotContain(userId, string.Join(' ', record.Attributes.Values) + record.Body, StringComparison.Ordinal);
        });
    }
}
