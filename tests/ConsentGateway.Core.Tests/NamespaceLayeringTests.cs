using System.Text.RegularExpressions;
using ConsentGateway.Testing;

namespace ConsentGateway.Core.Tests;

/// <summary>
/// Core's namespaces form layers (ADR 6): each imports only those below it, so none imports one
/// that imports it back. Read from the sources: the namespaces a file declares and names.
/// </summary>
public partial class NamespaceLayeringTests
{
    // Lowest first. The root holds the shared result types (Outcome, Failure).
    private static readonly string[] Layers = ["", "Policy", "Changes", "Accounts", "Projection", "Propagation", "Evaluation", "Impact", "Effects"];

    [Fact]
    public void Each_namespace_of_core_uses_only_namespaces_below_it()
    {
        var offences = new List<string>();
        foreach (var (file, own, used) in CoreFiles())
        {
            var layer = Array.IndexOf(Layers, own);
            Assert.True(layer >= 0, $"{file} declares namespace ConsentGateway.Core.{own}, which has no place in the layers.");
            offences.AddRange(used.Where(other => Array.IndexOf(Layers, other) >= layer && other != own)
                .Select(other => $"{file} ({own}) uses {other}"));
        }

        Assert.Empty(offences);
    }

    [Fact]
    public void The_check_sees_the_imports_it_judges()
    {
        // Guards the reading above: if it found nothing, the layering test would pass on any code.
        var evaluation = CoreFiles().Where(f => f.Namespace == "Evaluation").SelectMany(f => f.Uses).ToHashSet();
        Assert.Superset(new HashSet<string> { "Policy", "Projection" }, evaluation);
    }

    private static IEnumerable<(string File, string Namespace, IReadOnlySet<string> Uses)> CoreFiles()
    {
        var root = Path.Combine(Repository.Root, "src", "ConsentGateway.Core");
        foreach (var path in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
                     .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(path);
            var declared = Declared().Match(text);
            if (!declared.Success)
            {
                continue; // the registration extensions live in Microsoft.Extensions.DependencyInjection
            }

            var own = declared.Groups[1].Value.TrimStart('.');
            var uses = Named().Matches(text).Select(m => m.Groups[1].Value).ToHashSet();
            yield return (Path.GetRelativePath(root, path), own, uses);
        }
    }

    [GeneratedRegex(@"^namespace ConsentGateway\.Core((?:\.\w+)?);", RegexOptions.Multiline)]
    private static partial Regex Declared();

    // A using directive or a qualified name: ConsentGateway.Core.X
    [GeneratedRegex(@"ConsentGateway\.Core\.(\w+)")]
    private static partial Regex Named();
}
