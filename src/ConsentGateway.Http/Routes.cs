namespace ConsentGateway.Http;

/// <summary>Route templates below the <c>api</c> prefix, shared by both hosts.</summary>
public static class Routes
{
    public const string Prefix = "api";
    public const string Account = "v1/accounts/{userId}";
    public const string Setting = "v1/accounts/{userId}/partner-sharing";
    public const string History = "v1/accounts/{userId}/partner-sharing/history";
    public const string Device = "v1/devices/{adId}";
    public const string DeviceLink = "v1/devices/{adId}/accounts/{userId}";
    public const string Evaluate = "v1/evaluate";
    public const string EvaluateBatch = "v1/evaluate/batch";

    /// <summary><c>/api/v1/check</c> and any path below it (a catch-all matches nothing too).</summary>
    public const string Check = "v1/check/{*rest}";
}
