namespace ConsentGateway.EgressProxy;

/// <summary>
/// A path to a field of a JSON body: <c>$</c>, then <c>.name</c> for a property and <c>[*]</c>
/// for every element of an array, e.g. <c>$.user.email</c> or <c>$.events[*].ip</c>. Names are
/// matched exactly (case-sensitive), as a partner's parser may tell <c>email</c> from <c>Email</c>.
/// </summary>
internal sealed class JsonFieldPath
{
    /// <summary>The segment that stands for every element of an array.</summary>
    public const string AnyElement = "[*]";

    private JsonFieldPath(string text, IReadOnlyList<string> segments)
    {
        Text = text;
        Segments = segments;
    }

    public string Text { get; }

    /// <summary>Property names, and <see cref="AnyElement"/> for array elements.</summary>
    public IReadOnlyList<string> Segments { get; }

    public bool HasWildcard => Segments.Contains(AnyElement);

    public override string ToString() => Text;

    /// <summary>Parses a path, or explains why it is not one.</summary>
    public static bool TryParse(string? text, out JsonFieldPath path, out string error)
    {
        path = null!;
        error = "";
        if (string.IsNullOrEmpty(text) || !text.StartsWith('$'))
        {
            error = "a field path starts with '$', e.g. $.user.email";
            return false;
        }

        var segments = new List<string>();
        var rest = text.AsSpan(1);
        while (!rest.IsEmpty)
        {
            if (rest.StartsWith(AnyElement))
            {
                segments.Add(AnyElement);
                rest = rest[AnyElement.Length..];
                continue;
            }

            if (rest[0] != '.')
            {
                error = $"'{text}' is not a field path: after '$', each step is .name or [*]";
                return false;
            }

            rest = rest[1..];
            var end = rest.IndexOfAny('.', '[');
            var name = end < 0 ? rest : rest[..end];
            if (name.IsEmpty || name.ContainsAny(']', '*', '$'))
            {
                error = $"'{text}' has an empty or invalid property name";
                return false;
            }

            segments.Add(name.ToString());
            rest = end < 0 ? [] : rest[end..];
        }

        if (segments.Count == 0)
        {
            error = "a field path names at least one field below '$'";
            return false;
        }

        path = new JsonFieldPath(text, segments);
        return true;
    }
}
