namespace ConsentGateway.Contracts;

/// <summary>
/// The API's routes. Templates are relative to <see cref="Prefix"/> (both hosts add it: the
/// server maps a group, the Functions host its route prefix); paths are what a client calls.
/// </summary>
public static class ApiRoutes
{
    public const string Prefix = "api";

    public const string Account = "v1/accounts/{userId}";
    public const string Setting = "v1/accounts/{userId}/partner-sharing";
    public const string History = "v1/accounts/{userId}/partner-sharing/history";
    public const string Effects = "v1/accounts/{userId}/partner-sharing/effects";
    public const string Export = "v1/accounts/{userId}/export";
    public const string Device = "v1/devices/{adId}";
    public const string DeviceLink = "v1/devices/{adId}/accounts/{userId}";
    public const string Evaluate = "v1/evaluate";
    public const string EvaluateBatch = "v1/evaluate/batch";
    public const string Policy = "v1/policy";

    /// <summary><c>/api/v1/check</c> and any path below it (a catch-all matches nothing too).</summary>
    public const string Check = "v1/check/{*rest}";

    public const string EvaluatePath = "/" + Prefix + "/" + Evaluate;
    public const string EvaluateBatchPath = "/" + Prefix + "/" + EvaluateBatch;
    public const string CheckPath = "/" + Prefix + "/v1/check";
    public const string PolicyPath = "/" + Prefix + "/" + Policy;

    /// <summary>Operations, outside the API: the self-host serves them at the root, the Functions host below its route prefix (<c>/api/health/…</c>).</summary>
    public const string HealthLive = "health/live";

    public const string HealthReady = "health/ready";

    public const string HealthLivePath = "/" + HealthLive;
    public const string HealthReadyPath = "/" + HealthReady;
}
