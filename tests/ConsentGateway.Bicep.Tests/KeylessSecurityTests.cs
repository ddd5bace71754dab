using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ConsentGateway.Bicep.Tests;

/// <summary>The compiled deployment is keyless: no key is read, shared key and local auth are off, roles are least privilege.</summary>
public sealed partial class KeylessSecurityTests
{
    private const string Owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    private const string Contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    private const string UserAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageBlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string ServiceBusDataSender = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39";
    private const string ServiceBusDataReceiver = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    [Theory]
    [InlineData("listKeys")]
    [InlineData("listConnectionStrings")]
    [InlineData("listAccountSas")]
    [InlineData("listServiceSas")]
    [InlineData("AccountKey=")]
    [InlineData("SharedAccessKey=")]
    [InlineData("SharedAccessKeyName=")]
    [InlineData("InstrumentationKey=")]
    [InlineData("AuthorizationRules")]
    public void The_template_never_reads_or_writes_a_key(string forbidden)
    {
        Assert.DoesNotContain(forbidden, CompiledTemplate.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_storage_account_refuses_shared_key_access_public_blobs_and_old_tls()
    {
        var (_, storage) = CompiledTemplate.Single("Microsoft.Storage/storageAccounts");
        var properties = storage["properties"]!;

        Assert.False(properties["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(properties["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", properties["minimumTlsVersion"]!.GetValue<string>());
        Assert.True(properties["supportsHttpsTrafficOnly"]!.GetValue<bool>());
    }

    [Fact]
    public void Application_insights_accepts_only_entra_authenticated_telemetry()
    {
        var (_, appInsights) = CompiledTemplate.Single("Microsoft.Insights/components");

        Assert.True(appInsights["properties"]!["DisableLocalAuth"]!.GetValue<bool>());
        Assert.NotNull(appInsights["properties"]!["WorkspaceResourceId"]);
    }

    [Fact]
    public void Service_bus_refuses_sas_authentication()
    {
        var (_, serviceBus) = CompiledTemplate.Single("Microsoft.ServiceBus/namespaces");

        Assert.True(serviceBus["properties"]!["disableLocalAuth"]!.GetValue<bool>());
        Assert.Equal("Standard", serviceBus["sku"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void The_function_app_runs_as_the_one_user_assigned_identity_and_deploys_with_it()
    {
        var (_, site) = CompiledTemplate.Single("Microsoft.Web/sites");
        CompiledTemplate.Single("Microsoft.ManagedIdentity/userAssignedIdentities");

        Assert.Equal("UserAssigned", site["identity"]!["type"]!.GetValue<string>());
        Assert.Single(site["identity"]!["userAssignedIdentities"]!.AsObject());
        var authentication = site["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!;
        Assert.Equal("UserAssignedIdentity", authentication["type"]!.GetValue<string>());
        Assert.True(site["properties"]!["httpsOnly"]!.GetValue<bool>());
        foreach (var (_, policy) in CompiledTemplate.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies"))
        {
            Assert.False(policy["properties"]!["allow"]!.GetValue<bool>());
        }

        Assert.Equal(2, CompiledTemplate.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").Count);
    }

    [Fact]
    public void No_role_assignment_grants_owner_contributor_or_user_access_administrator()
    {
        var roles = RoleAssignments();

        Assert.NotEmpty(roles);
        foreach (var role in roles)
        {
            Assert.NotEqual(Owner, role.RoleId, StringComparer.OrdinalIgnoreCase);
            Assert.NotEqual(Contributor, role.RoleId, StringComparer.OrdinalIgnoreCase);
            Assert.NotEqual(UserAccessAdministrator, role.RoleId, StringComparer.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain(Owner, CompiledTemplate.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Contributor, CompiledTemplate.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(UserAccessAdministrator, CompiledTemplate.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_identity_holds_exactly_the_data_plane_roles_it_needs_on_the_resources_it_uses()
    {
        var granted = RoleAssignments().Select(r => (r.RoleId, r.ScopeType)).Order().ToList();

        (string, string)[] expected =
        [
            (StorageTableDataContributor, "Microsoft.Storage/storageAccounts"),
            (StorageBlobDataOwner, "Microsoft.Storage/storageAccounts"),
            (StorageBlobDataReader, "Microsoft.Storage/storageAccounts/blobServices/containers"),
            (ServiceBusDataSender, "Microsoft.ServiceBus/namespaces/topics"),
            (ServiceBusDataReceiver, "Microsoft.ServiceBus/namespaces/topics"),
            (MonitoringMetricsPublisher, "Microsoft.Insights/components"),
        ];
        Assert.Equal(expected.Order(), granted);
        // The host needs no queues here (no queue or blob triggers, no Durable Functions).
        Assert.DoesNotContain(granted, g => g.RoleId == StorageQueueDataContributor);
    }

    [Fact]
    public void Every_role_assignment_goes_to_the_app_identity_as_a_service_principal()
    {
        foreach (var role in RoleAssignments())
        {
            Assert.Equal("ServicePrincipal", role.Resource["properties"]!["principalType"]?.GetValue<string>());
            Assert.Equal("principalId", role.PrincipalParameter);
            // The module's principalId is the identity module's output, in every module that assigns roles.
            Assert.Matches(IdentityPrincipalOutput(), role.PrincipalSource ?? "");
        }
    }

    [Fact]
    public void Every_role_assignment_name_is_a_guid_of_scope_principal_and_role()
    {
        foreach (var role in RoleAssignments())
        {
            var name = role.Resource["name"]!.GetValue<string>();
            var match = GuidName().Match(name);
            Assert.True(match.Success, $"Role assignment name {name} is not [guid(...)].");
            var arguments = match.Groups[1].Value;
            Assert.Contains(role.PrincipalExpression, arguments, StringComparison.Ordinal);
            Assert.Contains(role.RoleExpression, arguments, StringComparison.Ordinal);
            Assert.Contains(role.ScopeExpression, arguments, StringComparison.Ordinal);
        }
    }

    private sealed record RoleAssignment(JsonObject Resource, string RoleId, string RoleExpression, string PrincipalExpression, string? PrincipalParameter, string? PrincipalSource, string ScopeExpression, string ScopeType);

    private static List<RoleAssignment> RoleAssignments()
    {
        var result = new List<RoleAssignment>();
        foreach (var (template, resource) in CompiledTemplate.OfType("Microsoft.Authorization/roleAssignments"))
        {
            var properties = resource["properties"]!;
            var roleDefinitionId = properties["roleDefinitionId"]!.GetValue<string>();
            var roleMatch = RoleDefinition().Match(roleDefinitionId);
            Assert.True(roleMatch.Success, $"roleDefinitionId {roleDefinitionId} is not subscriptionResourceId('Microsoft.Authorization/roleDefinitions', …).");
            var roleExpression = roleMatch.Groups[1].Value.Trim();
            var roleId = template.Resolve(JsonValue.Create($"[{roleExpression}]")).Text;
            Assert.True(roleId is not null && Guid.TryParse(roleId, out _), $"Role {roleExpression} does not resolve to a role definition guid.");

            var principal = properties["principalId"]!.GetValue<string>();
            var principalExpression = principal.Trim('[', ']');
            var principalParameter = ParameterReference().Match(principalExpression) is { Success: true } p ? p.Groups[1].Value : null;
            var principalSource = principalParameter is null ? null : PassedValue(principalParameter, template);

            var scope = resource["scope"]?.GetValue<string>();
            Assert.False(string.IsNullOrEmpty(scope), $"Role assignment {resource["name"]} has no resource scope (it would apply to the whole resource group).");
            var scopeExpression = scope.Trim('[', ']');
            var scopeType = ScopeType().Match(scopeExpression) is { Success: true } s ? s.Groups[1].Value : scopeExpression;
            result.Add(new RoleAssignment(resource, roleId, roleExpression, principalExpression, principalParameter, principalSource, scopeExpression, scopeType));
        }

        return result;
    }

    // The expression the parent deployment (the module's Microsoft.Resources/deployments resource) passes for a module parameter.
    private static string? PassedValue(string parameter, ArmTemplate template)
    {
        var moduleName = template.Path[(template.Path.LastIndexOf('/') + 1)..];
        var deployment = CompiledTemplate.OfType("Microsoft.Resources/deployments")
            .Select(d => d.Resource)
            .SingleOrDefault(d => d["name"]?.ToString() == moduleName);
        return deployment?["properties"]?["parameters"]?[parameter]?["value"]?.GetValue<string>();
    }

    [GeneratedRegex(@"^\[guid\((.*)\)\]$")]
    private static partial Regex GuidName();

    [GeneratedRegex(@"^\[subscriptionResourceId\('Microsoft\.Authorization/roleDefinitions',\s*(.+)\)\]$")]
    private static partial Regex RoleDefinition();

    [GeneratedRegex(@"^parameters\('([^']+)'\)$")]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"^resourceId\('([^']+)'")]
    private static partial Regex ScopeType();

    [GeneratedRegex(@"^\[reference\(resourceId\('Microsoft\.Resources/deployments', 'identity'\).*\)\.outputs\.principalId\.value\]$")]
    private static partial Regex IdentityPrincipalOutput();
}
