namespace ConsentGateway.EgressProxy;

/// <summary>A request header or a JSON body field (a path without <c>[*]</c>) holding one string.</summary>
public sealed class ValueSource
{
    public string? Header { get; set; }

    public string? JsonPath { get; set; }
}
