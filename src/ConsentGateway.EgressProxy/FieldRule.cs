namespace ConsentGateway.EgressProxy;

/// <summary>A classification of a JSON field: the data item it carries, or none (pass-through).</summary>
internal sealed record FieldRule(string Path, string? DataItem)
{
    public bool IsPassThrough => DataItem is null;
}
