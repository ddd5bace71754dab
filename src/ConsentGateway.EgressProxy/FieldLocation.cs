using System.Text.Json.Nodes;

namespace ConsentGateway.EgressProxy;

/// <summary>Where a field sits: a property of an object, or an element of an array.</summary>
internal readonly record struct FieldLocation(JsonNode Container, string? Property, int Index)
{
    /// <summary>The field's path in the body as sent, e.g. <c>$.user.email</c> or <c>$.events[2].ip</c>.</summary>
    public string Path
    {
        get
        {
            var container = Container.GetPath();
            if (Property is null)
            {
                return $"{container}[{Index}]";
            }

            return Property.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
                ? $"{container}.{Property}"
                : $"{container}['{Property.Replace("'", "\\'", StringComparison.Ordinal)}']";
        }
    }
}
