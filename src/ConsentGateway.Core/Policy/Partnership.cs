namespace ConsentGateway.Core.Policy;

public sealed class Partnership
{
    internal Partnership(string id, RegionScope settingScope, DataSet data, bool beforeSignupAllowed, RegionScope cutoffScope, DateTimeOffset? cutoffBefore)
    {
        Id = id;
        SettingScope = settingScope;
        Data = data;
        BeforeSignupAllowed = beforeSignupAllowed;
        CutoffScope = cutoffScope;
        CutoffBefore = cutoffBefore;
    }

    public string Id { get; }

    public RegionScope SettingScope { get; }

    public DataSet Data { get; }

    public bool BeforeSignupAllowed { get; }

    /// <summary>Where the sign-up cut-off applies; empty when the partnership has none.</summary>
    public RegionScope CutoffScope { get; }

    public DateTimeOffset? CutoffBefore { get; }
}
