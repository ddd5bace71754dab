using ConsentGateway.Core.Policy;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConsentGateway.Http.Tests;

/// <summary>Readiness of the policy: healthy while loaded; degraded but serving while a candidate is refused or the source cannot be read.</summary>
public sealed class PolicyHealthCheckTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly PolicyInForce _policy = new(PolicyLoader.LoadDefault());

    [Fact]
    public async Task A_source_that_cannot_be_read_is_degraded_naming_it_since_when_and_why_and_healthy_once_read_again()
    {
        _policy.SourceUnreadable("https://example.blob.core.windows.net/policy/policy.json", At, "the blob store answered 404 BlobNotFound");
        _policy.SourceUnreadable("https://example.blob.core.windows.net/policy/policy.json", At.AddSeconds(5), "the blob store answered 403 AuthorizationPermissionMismatch");

        var unreadable = await Check();
        _policy.SourceRead();
        var read = await Check();

        Assert.Equal(HealthStatus.Degraded, unreadable.Status);
        Assert.Equal(
            "Policy 2020-04-06 is in force; its source https://example.blob.core.windows.net/policy/policy.json cannot be read since 2026-12-01T12:00:00.0000000+00:00 (the blob store answered 403 AuthorizationPermissionMismatch).",
            unreadable.Description);
        Assert.Equal((HealthStatus.Healthy, "Policy 2020-04-06 is loaded."), (read.Status, read.Description));
    }

    [Fact]
    public async Task A_refusal_is_said_first_when_the_source_also_fails_afterwards()
    {
        _policy.Refuse(new PolicyRefusal("policy.json", At, ["partners[0].partnership: unknown"]));
        _policy.SourceUnreadable("policy.json", At.AddSeconds(1), "gone");

        var result = await Check();

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("was refused (1 problem(s), the first: partners[0].partnership: unknown)", result.Description, StringComparison.Ordinal);
    }

    private Task<HealthCheckResult> Check() => new PolicyHealthCheck(_policy).CheckHealthAsync(new HealthCheckContext());
}
