using ConsentGateway.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentGateway.EndToEnd.Tests.Limits;

/// <summary>The self-host with limits small enough to reach in a test: a minute's window each, so none refills during one.</summary>
public sealed class RateLimitedGateway : GatewayServer
{
    public const int ProxyPermits = 5;
    public const int CallerPermits = 4;
    public const int FailurePermits = 3;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public RateLimitedGateway()
    {
        OverrideServices = services => services.PostConfigure<RateLimitOptions>(limits =>
        {
            limits.Proxy = new() { PermitLimit = ProxyPermits, Window = Window };
            limits.Caller = new() { PermitLimit = CallerPermits, Window = Window };
            limits.FailedAuthentication = new() { PermitLimit = FailurePermits, Window = Window };
        });
    }
}
