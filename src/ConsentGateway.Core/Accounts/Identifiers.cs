namespace ConsentGateway.Core.Accounts;

/// <summary>
/// The shape of user and device ids: 1–128 characters of letters, digits, '.', '_', '-' and
/// ':', starting with a letter or digit. Safe as Table Storage keys and in URLs, and wide
/// enough for GUIDs, IDFAs, GAIDs and typical opaque account ids.
/// </summary>
public static class Identifiers
{
    public const int MaxLength = 128;

    public static bool IsValid(string? id)
    {
        if (id is null || id.Length is 0 or > MaxLength || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-' or ':'))
            {
                return false;
            }
        }

        return true;
    }

    internal static Failure? CheckUserId(string? userId) =>
        IsValid(userId) ? null : Failure.Invalid("invalid-user-id", $"A user id is 1-{MaxLength} letters, digits, '.', '_', '-' or ':', starting with a letter or digit.");

    internal static Failure? CheckDeviceId(string? adId) =>
        IsValid(adId) ? null : Failure.Invalid("invalid-device-id", $"A device advertising id is 1-{MaxLength} letters, digits, '.', '_', '-' or ':', starting with a letter or digit.");
}
