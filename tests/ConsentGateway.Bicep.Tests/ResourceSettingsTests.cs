using System.Text.Json.Nodes;
using ConsentGateway.Infrastructure.TableStorage;

namespace ConsentGateway.Bicep.Tests;

/// <summary>Messaging, storage, plan and output settings of the compiled deployment.</summary>
public sealed class ResourceSettingsTests
{
    [Fact]
    public void The_topic_is_consent_changes_with_duplicate_detection_over_an_explicit_window()
    {
        var (template, topic) = CompiledTemplate.Single("Microsoft.ServiceBus/namespaces/topics");
        var properties = topic["properties"]!;

        Assert.True(properties["requiresDuplicateDetection"]!.GetValue<bool>());
        Assert.Equal("PT10M", template.Resolve(properties["duplicateDetectionHistoryTimeWindow"]).Text);
        Assert.Equal("consent-changes", template.Resolve(JsonValue.Create("[parameters('topicName')]")).Text);
    }

    [Fact]
    public void The_projector_subscription_dead_letters_after_ten_deliveries_and_on_expiry_with_a_one_minute_lock()
    {
        var (template, subscription) = CompiledTemplate.Single("Microsoft.ServiceBus/namespaces/topics/subscriptions");
        var properties = subscription["properties"]!;

        Assert.Equal("projector", template.Resolve(JsonValue.Create("[parameters('subscriptionName')]")).Text);
        Assert.Equal("10", template.Resolve(properties["maxDeliveryCount"]).Text);
        Assert.Equal("PT1M", template.Resolve(properties["lockDuration"]).Text);
        Assert.True(properties["deadLetteringOnMessageExpiration"]!.GetValue<bool>());
    }

    [Fact]
    public void The_five_tables_the_app_uses_are_created_by_the_template()
    {
        var tables = new List<string>();
        foreach (var (template, table) in CompiledTemplate.OfType("Microsoft.Storage/storageAccounts/tableServices/tables"))
        {
            var name = table["name"]!.GetValue<string>();
            if (table["copy"] is JsonObject copy)
            {
                // [format('{0}/{1}/{2}', parameters('name'), 'default', parameters('X')[copyIndex()])] over length(parameters('X')).
                var source = System.Text.RegularExpressions.Regex.Match(name, @"parameters\('([^']+)'\)\[copyIndex\(\)\]");
                Assert.True(source.Success, $"Table copy loop {name} is not over a parameter.");
                Assert.Contains(source.Groups[1].Value, copy["count"]!.GetValue<string>(), StringComparison.Ordinal);
                var names = template.Resolve(JsonValue.Create($"[parameters('{source.Groups[1].Value}')]")).Value as JsonArray;
                Assert.NotNull(names);
                tables.AddRange(names.Select(n => n!.GetValue<string>()));
            }
            else
            {
                tables.Add(name.Split('/')[^1].TrimEnd(']', '\''));
            }
        }

        // Every table the code defaults to, and no other: a table added to the options is added here.
        Assert.Equal(["accounts", "changelog", "devices", "intents", "projections"], tables.Order(StringComparer.Ordinal));
        Assert.Equal(new TableStorageOptions().Tables().Select(table => table.Name).Order(StringComparer.Ordinal), tables.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_blob_container_is_private_the_flex_deployment_one_and_the_policy_one()
    {
        var containers = CompiledTemplate.OfType("Microsoft.Storage/storageAccounts/blobServices/containers");

        Assert.Equal(2, containers.Count);
        Assert.All(containers, container => Assert.Equal("None", container.Resource["properties"]!["publicAccess"]!.GetValue<string>()));
    }

    [Fact]
    public void The_function_app_runs_dotnet_isolated_10_on_the_flex_consumption_plan()
    {
        var (_, plan) = CompiledTemplate.Single("Microsoft.Web/serverfarms");
        var (template, site) = CompiledTemplate.Single("Microsoft.Web/sites");
        var runtime = site["properties"]!["functionAppConfig"]!["runtime"]!;

        Assert.Equal("FC1", plan["sku"]!["name"]!.GetValue<string>());
        Assert.Equal("FlexConsumption", plan["sku"]!["tier"]!.GetValue<string>());
        Assert.Equal("dotnet-isolated", runtime["name"]!.GetValue<string>());
        Assert.Equal("10.0", template.Resolve(runtime["version"]).Text);
        Assert.Equal("blobContainer", site["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void The_deployment_outputs_the_api_url_of_the_app()
    {
        var output = CompiledTemplate.Json["outputs"]?["apiUrl"];

        Assert.NotNull(output);
        var value = output["value"]!.GetValue<string>();
        Assert.StartsWith("[format('https://{0}/api'", value, StringComparison.Ordinal);
        Assert.Contains("outputs.defaultHostName.value", value, StringComparison.Ordinal);
    }

    [Fact]
    public void The_parameters_file_names_only_declared_parameters_and_gives_every_required_one()
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(Bicep.InfraDirectory, "main.parameters.json")))!["parameters"]!.AsObject();
        var declared = CompiledTemplate.Json["parameters"]!.AsObject();

        foreach (var (name, _) in file)
        {
            Assert.True(declared.ContainsKey(name), $"main.parameters.json sets {name}, which main.bicep does not declare.");
        }

        foreach (var (name, parameter) in declared)
        {
            if (parameter is JsonObject p && !p.ContainsKey("defaultValue"))
            {
                Assert.True(file.ContainsKey(name), $"main.parameters.json does not set the required parameter {name}.");
            }
        }
    }
}
