namespace ConsentGateway.Contracts;

/// <summary>
/// The shape of user, device and partner ids: 1–128 characters of letters, digits, '.', '_',
/// '-' and ':', starting with a letter or digit. Safe as Table Storage keys and in URLs, and
/// wide enough for GUIDs, IDFAs, GAIDs and typical opaque account ids.
/// </summary>
public static class SubjectIds
{
    public const int MaxLength = 128;

    /// <summary>The rule in words, for error messages.</summary>
    public const string Rule = "1-128 letters, digits, '.', '_', '-' or ':', starting with a letter or digit";

    /// <summary>The rule as an ECMA-262 regular expression, for the OpenAPI document (a test keeps it equal to <see cref="IsValid"/>).</summary>
    public const string Pattern = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$";

    public static bool IsValid(string? id)
    {
        if (id is null || id.Length is 0 or > MaxLength || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        return id.AsSpan().IndexOfAnyExcept(IdCharacters) < 0;
    }

    /// <summary>Letters, digits, '.', '_', '-' and ':': the characters of ids (and of notice versions).</summary>
    internal static System.Buffers.SearchValues<char> IdCharacters { get; } =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-:");
}
