using System.Text.Json.Nodes;
using ConsentGateway.Contracts;
using Microsoft.OpenApi;

namespace ConsentGateway.Server.OpenApi;

/// <summary>The schemas of the wire's values as the API checks them: ids, countries, instants, tokens, codes.</summary>
internal static class WireSchemas
{
    /// <summary>Upper case, two letters; that it is an assigned code is checked against ISO 3166-1.</summary>
    public const string CountryPattern = "^[A-Z]{2}$";

    public static OpenApiSchema Id(string description, string example) => new()
    {
        Type = JsonSchemaType.String,
        Pattern = SubjectIds.Pattern,
        MinLength = 1,
        MaxLength = SubjectIds.MaxLength,
        Description = description + " " + char.ToUpperInvariant(SubjectIds.Rule[0]) + SubjectIds.Rule[1..] + ".",
        Examples = [example],
    };

    public static OpenApiSchema Country(string description) => new()
    {
        Type = JsonSchemaType.String,
        Pattern = CountryPattern,
        Description = description + " An assigned ISO 3166-1 alpha-2 code in upper case.",
        Examples = ["DE"],
    };

    public static OpenApiSchema Instant(string description) => new()
    {
        Type = JsonSchemaType.String,
        Format = "date-time",
        Description = description,
    };

    public static OpenApiSchema Text(string description, string? example = null) => new()
    {
        Type = JsonSchemaType.String,
        Description = description,
        Examples = example is null ? null : [JsonValue.Create(example)],
    };

    public static OpenApiSchema Token(string description) => new()
    {
        Type = JsonSchemaType.String,
        Description = description + " Opaque (about 50 characters), HMAC-signed; it holds no user or device id.",
        Examples = ["ct1.AAEAw_K08Np5uDGhdaCOD2-3q4XFPdAYK7khgAmFph9ngzw"],
    };

    public static OpenApiSchema Integer(string description, long minimum, string format = "int64") => new()
    {
        Type = JsonSchemaType.Integer,
        Format = format,
        Minimum = minimum.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Description = description,
    };

    public static OpenApiSchema Boolean(string description) => new() { Type = JsonSchemaType.Boolean, Description = description };

    public static OpenApiSchema Uuid(string description) => new() { Type = JsonSchemaType.String, Format = "uuid", Description = description };

    public static OpenApiSchema OneOf(IEnumerable<string> values, string description) => new()
    {
        Type = JsonSchemaType.String,
        Enum = [.. values.Select(value => (JsonNode)JsonValue.Create(value))],
        Description = description,
    };

    public static OpenApiSchema ArrayOf(IOpenApiSchema items, string description, int? minItems = null, int? maxItems = null) => new()
    {
        Type = JsonSchemaType.Array,
        Items = items,
        MinItems = minItems,
        MaxItems = maxItems,
        Description = description,
    };

    /// <summary>The schema, or JSON <c>null</c>: a member that is always there but may be null.</summary>
    public static OpenApiSchema OrNull(OpenApiSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        schema.Type |= JsonSchemaType.Null;
        return schema;
    }
}
