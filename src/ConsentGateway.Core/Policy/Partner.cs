namespace ConsentGateway.Core.Policy;

public sealed class Partner
{
    internal Partner(string id, Partnership partnership, PartnerRole role)
    {
        Id = id;
        Partnership = partnership;
        Role = role;
    }

    public string Id { get; }

    public Partnership Partnership { get; }

    public PartnerRole Role { get; }
}
