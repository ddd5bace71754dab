using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ConsentGateway.Infrastructure.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Bicep.Tests;

/// <summary>
/// The policy blob in the template: a private container in the app's storage account, read by the
/// app's identity with Storage Blob Data Reader on that container only, and app settings that point
/// the app at exactly that container and pass the app's own start check.
/// </summary>
public sealed partial class PolicyBlobTemplateTests
{
    private const string StorageBlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string Prefix = "Consent__Policy__Blob__";
    private const string Blobs = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/";

    // Every blob data action that creates, changes or deletes a blob (the Owner role's; HNS-only ones aside).
    private static readonly string[] BlobWrites = ["add/action", "delete", "deleteBlobVersion/action", "permanentDelete/action", "tags/write", "write"];

    [Fact]
    public void The_policy_container_is_private_and_in_the_apps_storage_account()
    {
        var (template, container) = PolicyContainer();

        Assert.Equal("None", container["properties"]!["publicAccess"]!.GetValue<string>());
        Assert.Equal("main/storage", template.Path);
        Assert.Equal("policy", template.Resolve(JsonValue.Create("[parameters('policyContainerName')]")).Text);
    }

    [Fact]
    public void The_identity_only_reads_the_policy_and_only_in_its_container()
    {
        var readers = CompiledTemplate.OfType("Microsoft.Authorization/roleAssignments")
            .Where(r => r.Resource["properties"]!["roleDefinitionId"]!.GetValue<string>().Contains("blobDataReaderRoleId", StringComparison.Ordinal))
            .ToList();

        var (template, reader) = Assert.Single(readers);
        Assert.Equal(StorageBlobDataReader, template.Resolve(JsonValue.Create("[variables('blobDataReaderRoleId')]")).Text);
        Assert.Equal(
            "[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('name'), 'default', parameters('policyContainerName'))]",
            reader["scope"]!.GetValue<string>());
        Assert.Equal("ServicePrincipal", reader["properties"]!["principalType"]!.GetValue<string>());
    }

    [Fact]
    public void The_hosts_blob_owner_grant_cannot_create_change_or_delete_a_blob_in_the_policy_container()
    {
        var owners = Bicep.Snapshot().Evaluated["predictedResources"]!.AsArray().OfType<JsonObject>()
            .Where(r => r["type"]?.ToString() == "Microsoft.Authorization/roleAssignments"
                && r["properties"]!["roleDefinitionId"]!.ToString().EndsWith(StorageBlobDataOwner, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var owner = Assert.Single(owners)["properties"]!;
        Assert.Equal("2.0", owner["conditionVersion"]?.ToString());

        // Allowed when the action is none of the writes, or when the blob is outside the policy container.
        var condition = owner["condition"]!.ToString();
        var shape = ConditionShape().Match(condition);
        Assert.True(shape.Success, $"Unexpected condition: {condition}");
        Assert.Equal("policy", shape.Groups["container"].Value);
        var excluded = ActionMatch().Matches(shape.Groups["actions"].Value).Select(m => m.Groups[1].Value);
        Assert.Equal(BlobWrites.Select(a => Blobs + a), excluded.Order(StringComparer.Ordinal));
        // Reading is not excluded: the host reads its own containers, and the Reader grant covers the policy.
        Assert.DoesNotContain(Blobs + "read", condition, StringComparison.Ordinal);
    }

    [Fact]
    public void The_app_reads_the_policy_blob_by_identity_from_the_container_the_role_is_scoped_to()
    {
        var settings = CompiledTemplate.AppSettings();

        Assert.Contains("blobEndpoint", Literal(settings, Prefix + "ServiceUri"), StringComparison.Ordinal);
        Assert.Equal("managedidentity", Literal(settings, Prefix + "credential"));
        Assert.Contains("identityClientId", Literal(settings, Prefix + "clientId"), StringComparison.Ordinal);
        Assert.Equal(("policy", "policy.json", "00:00:05"), (CompiledTemplate.DefaultValue(Prefix + "ContainerName"), CompiledTemplate.DefaultValue(Prefix + "BlobName"), CompiledTemplate.DefaultValue(Prefix + "PollInterval")));
        Assert.DoesNotContain(Prefix + "ConnectionString", settings.Keys, StringComparer.OrdinalIgnoreCase);

        // The container setting is the storage module's output of the container it creates, not a second literal.
        var functionApp = CompiledTemplate.OfType("Microsoft.Resources/deployments").Select(d => d.Resource).Single(d => d["name"]?.ToString() == "functionApp");
        Assert.Contains("outputs.policyContainerName", functionApp["properties"]!["parameters"]!["policyContainerName"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_policy_settings_the_template_writes_pass_the_apps_start_check()
    {
        // The endpoint is known only at deployment: an account's endpoint of the same shape stands in.
        var values = new Dictionary<string, string?>
        {
            ["Consent:Policy:Blob:ServiceUri"] = "https://example.blob.core.windows.net/",
            ["Consent:Policy:Blob:credential"] = "managedidentity",
        };
        foreach (var setting in new[] { "ContainerName", "BlobName", "PollInterval" })
        {
            values[$"Consent:Policy:Blob:{setting}"] = CompiledTemplate.DefaultValue(Prefix + setting);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        using var services = new ServiceCollection().AddConsentPolicyBlob(configuration).BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<PolicyBlobOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(5), options.PollInterval);
    }

    private static (ArmTemplate Template, JsonObject Container) PolicyContainer()
    {
        var containers = CompiledTemplate.OfType("Microsoft.Storage/storageAccounts/blobServices/containers")
            .Where(c => c.Resource["name"]!.GetValue<string>().Contains("policyContainerName", StringComparison.Ordinal))
            .ToList();
        var (template, container) = Assert.Single(containers);
        return (template, container);
    }

    private static string Literal(IReadOnlyDictionary<string, (ArmTemplate Template, JsonNode? Value)> settings, string name)
    {
        Assert.True(settings.TryGetValue(name, out var entry), $"App setting {name} is missing.");
        return entry.Value!.GetValue<string>();
    }

    [GeneratedRegex(@"^\(\((?<actions>!\(ActionMatches\{'[^']+'\}\)( AND !\(ActionMatches\{'[^']+'\}\))*)\) OR \(@Resource\[Microsoft\.Storage/storageAccounts/blobServices/containers:name\] StringNotEquals '(?<container>[^']+)'\)\)$")]
    private static partial Regex ConditionShape();

    [GeneratedRegex(@"ActionMatches\{'([^']+)'\}")]
    private static partial Regex ActionMatch();
}
