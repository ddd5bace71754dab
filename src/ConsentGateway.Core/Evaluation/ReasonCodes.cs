namespace ConsentGateway.Core.Evaluation;

public static class ReasonCodes
{
    private static readonly string[] Codes =
    [
        "NEVER_SHARED_DATA",
        "UNKNOWN_PARTNER",
        "DATA_NOT_IN_PARTNERSHIP",
        "STORE_UNAVAILABLE",
        "UNKNOWN_ACCOUNT",
        "UNKNOWN_DEVICE",
        "LOCATION_UNKNOWN",
        "EEA_UK_SIGNUP_BEFORE_CUTOFF",
        "SETTING_DISABLED",
        "BEFORE_SIGNUP",
        "SETTING_NOT_APPLICABLE_IN_REGION",
        "SETTING_ENABLED",
        "PROCESSOR_FOR_COMPANY",
    ];

    public static IReadOnlyList<ReasonCode> All { get; } = Enum.GetValues<ReasonCode>();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<uint, string> Joined = new();

    /// <summary>The wire form, e.g. <c>SETTING_DISABLED</c>; returns a cached string.</summary>
    public static string ToCode(this ReasonCode reason) => Codes[(int)reason];

    /// <summary>The codes in priority order, comma-separated; one string per distinct set, made once.</summary>
    public static string ToCodes(this ReasonSet reasons) => Joined.GetOrAdd(reasons.Bits, static bits =>
    {
        var codes = new List<string>();
        foreach (var reason in new ReasonSet(bits))
        {
            codes.Add(reason.ToCode());
        }

        return string.Join(',', codes);
    });
}
