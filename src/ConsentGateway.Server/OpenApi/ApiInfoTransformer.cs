using ConsentGateway.Contracts;
using ConsentGateway.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ConsentGateway.Server.OpenApi;

/// <summary>
/// The document's own parts: title, description, version, the servers of both hosts, the tags
/// with what they group, and the security schemes. Nothing here depends on the request or the
/// configuration, so the document written at build time is the one served.
/// </summary>
internal sealed class ApiInfoTransformer : IOpenApiDocumentTransformer
{
    public const string Title = "Consent gateway API";

    /// <summary>The contract's version: the routes are under <c>/api/v1</c>; additions raise the minor.</summary>
    public const string Version = "1.0.0";

    private const string FunctionsHost = "https://{functionApp}.azurewebsites.net";

    private const string Description = """
        Stores each account's privacy setting **"Allow additional information sharing with business partners"**
        for apps and the account service, propagates every change, and answers the partner **egress proxies**
        that ask, on every outbound request: *may this data about this user or device go to this partner —
        and if only in part, which parts?*

        Both hosts serve the same routes: the self-hosted server (`./run.sh`, `http://127.0.0.1:7071`) and the
        Azure Functions app (`https://<app>.azurewebsites.net`).

        **Callers.** Apps and the account service send a bearer JWT (scopes `consent.user`, `consent.accounts`);
        egress proxies send their key in `X-Consent-Key`.

        **Read-your-writes.** Every accepted write answers a `consistencyToken`; an evaluation that passes it
        back (`consistency.atLeastAsFresh`, `X-Consent-At-Least-As-Fresh`) reflects at least that write.

        **Errors** are RFC 9457 `application/problem+json` with `type: urn:consent-gateway:problem:{code}` and
        the same stable `code` as a member (see the `ProblemDetails` schema for every code). A refused request
        writes nothing. Bodies are `application/json`, at most 16 KiB (a batch 1 MiB), without unknown or
        repeated members; numbers are JSON numbers, never strings.

        **Decisions** fail closed: where the rules are silent or the store cannot be read in time, the answer
        is a deny with its own reason code, never an allow.
        """;

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Info = new OpenApiInfo { Title = Title, Version = Version, Description = Description };
        document.Servers = [.. Servers()];
        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = ApiTags.Accounts, Description = "Accounts as the account service registers them (scope `consent.accounts`)." },
            new() { Name = ApiTags.PartnerSharing, Description = "The setting and its history: the user (scope `consent.user`, own account) or the account service." },
            new() { Name = ApiTags.Devices, Description = "Devices that opened an app, and the accounts that logged in on them." },
            new() { Name = ApiTags.Evaluation, Description = "The questions of egress proxies (`X-Consent-Key`): JSON, in batches, or in headers for nginx `auth_request` and Envoy `ext_authz`." },
            new() { Name = ApiTags.Policy, Description = "The policy in force." },
            new() { Name = ApiTags.Health, Description = "Liveness and readiness, for a load balancer, an orchestrator or Azure's health check. No credentials, no personal data." },
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = SecuritySchemes.All();
        return Task.CompletedTask;
    }

    /// <summary>The hosts of the API: this one (the document's own origin) and the Functions app.</summary>
    public static IEnumerable<OpenApiServer> Servers() =>
    [
        new() { Url = "/", Description = "The gateway that serves this document (the self-hosted server: `./run.sh` listens on http://127.0.0.1:7071)." },
        FunctionsServer(string.Empty),
    ];

    /// <summary>The health routes' hosts: the self-host at the root, the Functions app below its route prefix.</summary>
    public static IEnumerable<OpenApiServer> HealthServers() =>
    [
        new() { Url = "/", Description = "The self-hosted server: at the root." },
        FunctionsServer("/" + ApiRoutes.Prefix),
    ];

    private static OpenApiServer FunctionsServer(string prefix) => new()
    {
        Url = FunctionsHost + prefix,
        Description = prefix.Length == 0 ? "The Azure Functions app (its deployment output `apiUrl` without `/api`)." : "The Azure Functions app: below its route prefix.",
        Variables = new Dictionary<string, OpenApiServerVariable>(StringComparer.Ordinal)
        {
            ["functionApp"] = new() { Default = "consent-gateway", Description = "The Function App's name (the deployment output `functionAppName`)." },
        },
    };
}
