namespace ConsentGateway.Http;

/// <summary>The groups of the API's routes (OpenAPI tags), by who calls them and what for.</summary>
public static class ApiTags
{
    public const string Accounts = "Accounts";
    public const string PartnerSharing = "Partner sharing";
    public const string Devices = "Devices";
    public const string Evaluation = "Evaluation";
    public const string Policy = "Policy";
    public const string Health = "Health";
}
