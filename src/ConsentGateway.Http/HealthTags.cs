namespace ConsentGateway.Http;

/// <summary>Which health checks answer <c>/health/ready</c>; <c>/health/live</c> runs none (the process answers).</summary>
public static class HealthTags
{
    public const string Ready = "ready";
}
