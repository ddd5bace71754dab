namespace ConsentGateway.EgressProxy;

/// <summary>
/// The field rules of a route as a tree following the JSON body: a node's rule covers the field at
/// that path and everything below it, unless a deeper node has a rule of its own.
/// </summary>
internal sealed class FieldTree
{
    private Dictionary<string, FieldTree>? _children;

    public FieldRule? Rule { get; private set; }

    /// <summary>True when rules exist below this node.</summary>
    public bool HasChildren => _children is { Count: > 0 };

    public FieldTree? Child(string segment) =>
        _children is not null && _children.TryGetValue(segment, out var child) ? child : null;

    /// <summary>Adds a rule; false when its path already has one.</summary>
    public bool TryAdd(JsonFieldPath path, FieldRule rule)
    {
        var node = this;
        foreach (var segment in path.Segments)
        {
            node._children ??= new Dictionary<string, FieldTree>(StringComparer.Ordinal);
            if (!node._children.TryGetValue(segment, out var child))
            {
                child = new FieldTree();
                node._children.Add(segment, child);
            }

            node = child;
        }

        if (node.Rule is not null)
        {
            return false;
        }

        node.Rule = rule;
        return true;
    }
}
