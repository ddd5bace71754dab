using System.Text.Json;
using ConsentGateway.Testing;
using Microsoft.Playwright;

namespace ConsentGateway.EndToEnd.Tests.Browser;

/// <summary>
/// axe-core (npm, pinned in package.json) run inside a page: its source is evaluated through
/// Playwright (the DevTools protocol, which a page's Content-Security-Policy does not govern), so
/// the page is checked under its own policy, not a weakened one.
/// </summary>
internal static class Axe
{
    private static readonly Lazy<string> Source = new(() =>
    {
        var path = Path.Combine(Repository.Root, "node_modules", "axe-core", "axe.min.js");
        return File.Exists(path) ? File.ReadAllText(path) : throw new InvalidOperationException($"{path} is missing: ./test.sh runs npm ci.");
    });

    /// <summary>Fails with each serious or critical violation of the page as it is now (rule, help, the elements).</summary>
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string state)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.EvaluateAsync(Source.Value);
        }

        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`)
            """);
        Assert.True(violations.GetArrayLength() == 0, $"axe found serious or critical violations ({state}):\n" + string.Join('\n', violations.EnumerateArray()));
    }
}
