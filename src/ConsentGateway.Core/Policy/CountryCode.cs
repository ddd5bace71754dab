namespace ConsentGateway.Core.Policy;

/// <summary>
/// An assigned ISO 3166-1 alpha-2 country code, packed into a small number so that
/// region membership is an array lookup on the hot path. <c>default</c> means "no country".
/// </summary>
public readonly record struct CountryCode
{
    /// <summary>Number of distinct packed values (26 × 26 letter pairs, plus "none").</summary>
    internal const int PackedRange = (26 * 26) + 1;

    // Officially assigned codes only: reserved ones (UK, EU, IC, EA, …) are not countries.
    private const string AssignedCodes =
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ " +
        "BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM " +
        "DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS " +
        "GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN " +
        "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ " +
        "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM " +
        "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV " +
        "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI " +
        "VN VU WF WS YE YT ZA ZM ZW";

    private static readonly bool[] Assigned = BuildAssigned();

    private CountryCode(ushort packed) => Packed = packed;

    /// <summary>0 for "no country", else 1 + the two letters as a base-26 number.</summary>
    internal ushort Packed { get; }

    public bool IsNone => Packed == 0;

    /// <summary>All assigned codes, in alphabetical order.</summary>
    public static IReadOnlyList<string> All { get; } = AssignedCodes.Split(' ');

    /// <summary>Parses an upper-case assigned alpha-2 code ("DE"); anything else fails.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out CountryCode code)
    {
        code = default;
        if (text.Length != 2 || !char.IsAsciiLetterUpper(text[0]) || !char.IsAsciiLetterUpper(text[1]))
        {
            return false;
        }

        var packed = (ushort)(1 + ((text[0] - 'A') * 26) + (text[1] - 'A'));
        if (!Assigned[packed])
        {
            return false;
        }

        code = new CountryCode(packed);
        return true;
    }

    public static CountryCode Parse(string text) =>
        TryParse(text, out var code) ? code : throw new FormatException($"'{text}' is not an assigned ISO 3166-1 alpha-2 code.");

    public override string ToString() =>
        IsNone ? string.Empty : string.Create(2, Packed - 1, static (span, n) =>
        {
            span[0] = (char)('A' + (n / 26));
            span[1] = (char)('A' + (n % 26));
        });

    private static bool[] BuildAssigned()
    {
        var assigned = new bool[PackedRange];
        foreach (var code in AssignedCodes.Split(' '))
        {
            assigned[1 + ((code[0] - 'A') * 26) + (code[1] - 'A')] = true;
        }

        return assigned;
    }
}
