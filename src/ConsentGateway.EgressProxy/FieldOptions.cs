namespace ConsentGateway.EgressProxy;

/// <summary>A JSON body field and the data item it carries, e.g. <c>$.user.email</c> → <c>email</c>.</summary>
public sealed class FieldOptions
{
    public string? Path { get; set; }

    public string? Data { get; set; }
}
