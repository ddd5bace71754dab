using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConsentGateway.EgressProxy;

/// <summary>
/// A JSON body with every field classified by a route's <see cref="FieldTree"/>: the data items it
/// carries and where, and the fields no rule covers. Removing fields edits the body in place.
/// </summary>
internal sealed class ClassifiedBody
{
    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    private readonly Dictionary<string, List<FieldLocation>> _byDataItem = new(StringComparer.Ordinal);
    private readonly List<FieldLocation> _unclassified = [];

    private ClassifiedBody(JsonNode root) => Root = root;

    public JsonNode Root { get; }

    /// <summary>The distinct data items the body carries, in the order first met.</summary>
    public IReadOnlyCollection<string> DataItems => _byDataItem.Keys;

    /// <summary>The fields no rule covers.</summary>
    public IReadOnlyList<FieldLocation> Unclassified => _unclassified;

    /// <summary>The fields carrying <paramref name="dataItem"/>.</summary>
    public IReadOnlyList<FieldLocation> FieldsOf(string dataItem) =>
        _byDataItem.TryGetValue(dataItem, out var fields) ? fields : [];

    /// <summary>
    /// Parses a body strictly (duplicate properties are malformed: a partner's parser might read
    /// the copy we did not classify) and classifies its fields. Null when it is not a JSON object or array.
    /// </summary>
    /// <exception cref="JsonException">The body is not well-formed JSON.</exception>
    public static ClassifiedBody? Parse(ReadOnlyMemory<byte> utf8, FieldTree fields)
    {
        var root = JsonNode.Parse(utf8.Span, documentOptions: StrictJson);
        if (root is not (JsonObject or JsonArray))
        {
            return null;
        }

        var body = new ClassifiedBody(root);
        body.Classify(root, fields, inherited: null);
        return body;
    }

    private void Classify(JsonNode container, FieldTree? rules, FieldRule? inherited)
    {
        if (container is JsonObject obj)
        {
            foreach (var (name, value) in obj)
            {
                var child = rules?.Child(name);
                Visit(new FieldLocation(container, name, -1), value, child, child?.Rule ?? inherited);
            }
        }
        else
        {
            var array = container.AsArray();
            var child = rules?.Child(JsonFieldPath.AnyElement);
            for (var i = 0; i < array.Count; i++)
            {
                Visit(new FieldLocation(container, null, i), array[i], child, child?.Rule ?? inherited);
            }
        }
    }

    private void Visit(FieldLocation location, JsonNode? value, FieldTree? rules, FieldRule? rule)
    {
        if (value is JsonObject or JsonArray && rules?.HasChildren == true)
        {
            Classify(value, rules, rule);
            return;
        }

        // A value no deeper rule splits is one field, classified (and removed) whole: removing
        // only its leaves would still tell the partner its shape, e.g. how many ads were seen.

        if (rule is null)
        {
            _unclassified.Add(location);
        }
        else if (rule.DataItem is { } dataItem)
        {
            if (!_byDataItem.TryGetValue(dataItem, out var fields))
            {
                fields = [];
                _byDataItem.Add(dataItem, fields);
            }

            fields.Add(location);
        }
    }

    /// <summary>Removes fields from the body; returns their paths as they were sent.</summary>
    public static List<string> Remove(IEnumerable<FieldLocation> fields)
    {
        // Paths first: removing an array element renumbers the ones after it.
        var located = fields.Select(field => (Field: field, field.Path)).ToList();
        foreach (var (field, _) in located.Where(f => f.Field.Property is not null))
        {
            field.Container.AsObject().Remove(field.Property!);
        }

        foreach (var (field, _) in located.Where(f => f.Field.Property is null).OrderByDescending(f => f.Field.Index))
        {
            field.Container.AsArray().RemoveAt(field.Index);
        }

        return [.. located.Select(f => f.Path)];
    }

    public ReadOnlyMemory<byte> ToUtf8()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Root.WriteTo(writer);
        }

        return buffer.WrittenMemory;
    }
}
