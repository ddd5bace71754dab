namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// The stable reason codes of SPEC §4. The order is the priority among denials: when several
/// reasons deny the same item, the item names the first; reasons are listed in this order.
/// </summary>
public enum ReasonCode
{
    NeverSharedData,
    UnknownPartner,
    DataNotInPartnership,
    StoreUnavailable,
    UnknownAccount,
    UnknownDevice,
    LocationUnknown,
    EeaUkSignupBeforeCutoff,
    SettingDisabled,
    BeforeSignup,
    SettingNotApplicableInRegion,
    SettingEnabled,
    ProcessorForCompany,
}

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

/// <summary>A set of <see cref="ReasonCode"/>s as bits: copying and combining never allocates.</summary>
public readonly record struct ReasonSet(uint Bits)
{
    public static ReasonSet Empty => default;

    public bool IsEmpty => Bits == 0;

    public static ReasonSet Of(ReasonCode reason) => new(1u << (int)reason);

    public bool Contains(ReasonCode reason) => (Bits & (1u << (int)reason)) != 0;

    public ReasonSet With(ReasonCode reason) => new(Bits | (1u << (int)reason));

    public ReasonSet Union(ReasonSet other) => new(Bits | other.Bits);

    /// <summary>The highest-priority reason in the set; the set must not be empty.</summary>
    public ReasonCode First => (ReasonCode)System.Numerics.BitOperations.TrailingZeroCount(Bits);

    public Enumerator GetEnumerator() => new(Bits);

    public struct Enumerator(uint bits)
    {
        private uint _remaining = bits;

        public ReasonCode Current { get; private set; }

        public bool MoveNext()
        {
            if (_remaining == 0)
            {
                return false;
            }

            Current = (ReasonCode)System.Numerics.BitOperations.TrailingZeroCount(_remaining);
            _remaining &= _remaining - 1;
            return true;
        }
    }
}
