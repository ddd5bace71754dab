using System.Net;
using System.Text;
using ConsentGateway.Testing;

namespace ConsentGateway.EgressProxy.Tests;

/// <summary>The proxy exports its own telemetry by OTLP, as <c>service.name = consent-egress-proxy</c>.</summary>
public sealed class ProxyTelemetryTests
{
    [Fact]
    public async Task The_proxy_exports_its_forward_spans_and_its_metrics_under_its_own_resource()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using (var proxy = await ProxyUnderTest.StartAsync(
            await RecordingServer.StartPartnerAsync(),
            $"--OTEL_EXPORTER_OTLP_ENDPOINT={collector.Endpoint}",
            "--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf"))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/google/e")
            {
                Content = new StringContent("""{"ip":"203.0.113.7","country":"DE"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-User-Id", "user-4711");
            using var answer = await proxy.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        // The proxy stopped: its SDK flushed.
        foreach (var signal in (string[])[OtlpReceiver.Traces, OtlpReceiver.Metrics])
        {
            Assert.NotEmpty(collector.Resources(signal));
            Assert.All(collector.Resources(signal), resource => Assert.Equal("consent-egress-proxy", resource["service.name"]));
        }

        Assert.Contains("consent.proxy.forward", collector.SpanNames());
        Assert.Contains(("consent.proxy.requests", "{request}"), collector.MetricNames());
    }
}
