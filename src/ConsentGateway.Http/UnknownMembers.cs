using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ConsentGateway.Http;

/// <summary>
/// Finds a property of a JSON document that its type does not have, from the type's serializer
/// metadata: the serializer's own refusal says so only in the text of its exception.
/// </summary>
public static class UnknownMembers
{
    /// <summary>The JSON path of the first unknown property (e.g. <c>$.subject.email</c>), or null; <paramref name="json"/> must be valid JSON.</summary>
    public static string? Find(ReadOnlySpan<byte> json, JsonTypeInfo typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var reader = new Utf8JsonReader(json);
        return reader.Read() ? InValue(ref reader, typeInfo, "$") : null;
    }

    // The reader is on the first token of a value of the type described by typeInfo.
    private static string? InValue(ref Utf8JsonReader reader, JsonTypeInfo typeInfo, string path)
    {
        if (reader.TokenType == JsonTokenType.StartObject && typeInfo.Kind == JsonTypeInfoKind.Object)
        {
            return InObject(ref reader, typeInfo, path);
        }

        if (reader.TokenType == JsonTokenType.StartArray && typeInfo.Kind == JsonTypeInfoKind.Enumerable && typeInfo.ElementType is { } elementType)
        {
            var elements = typeInfo.Options.GetTypeInfo(elementType);
            for (var index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
            {
                if (InValue(ref reader, elements, $"{path}[{index}]") is { } unknown)
                {
                    return unknown;
                }
            }

            return null;
        }

        reader.Skip();
        return null;
    }

    private static string? InObject(ref Utf8JsonReader reader, JsonTypeInfo typeInfo, string path)
    {
        var comparison = typeInfo.Options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            var property = typeInfo.Properties.FirstOrDefault(p => string.Equals(p.Name, name, comparison));
            if (property is null)
            {
                return $"{path}.{name}";
            }

            reader.Read();
            if (InValue(ref reader, typeInfo.Options.GetTypeInfo(property.PropertyType), $"{path}.{name}") is { } unknown)
            {
                return unknown;
            }
        }

        return null;
    }
}
