namespace ConsentGateway.Contracts;

/// <summary>
/// The shape of a <c>noticeVersion</c>: the version of the texts a user saw when changing the
/// setting (today the policy version, e.g. <c>2020-04-06</c>). 1–64 characters of letters,
/// digits, '.', '_', '-' and ':', so it is safe to store and to show as it is.
/// </summary>
public static class NoticeVersions
{
    public const int MaxLength = 64;

    /// <summary>The rule in words, for error messages.</summary>
    public const string Rule = "1-64 letters, digits, '.', '_', '-' or ':'";

    /// <summary>The rule as an ECMA-262 regular expression, for the OpenAPI document.</summary>
    public const string Pattern = "^[A-Za-z0-9._:-]{1,64}$";

    public static bool IsValid(string? version) =>
        version is { Length: > 0 and <= MaxLength } && version.AsSpan().IndexOfAnyExcept(SubjectIds.IdCharacters) < 0;
}
