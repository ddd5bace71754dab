using System.Text.RegularExpressions;

namespace ConsentGateway.Core.Policy;

/// <summary>
/// The texts for people in a policy document: every partnership has a title and a description,
/// every partner a display name, every data item a label, each at least in English; other
/// languages are optional. The settings page and the effects answer show them as written.
/// </summary>
internal static partial class PolicyTextsValidator
{
    public const string RequiredLanguage = "en";
    public const int MaxTextLength = 2000;

    public static void Validate(PolicyDocument document, List<string> errors)
    {
        var partnerships = document.Partnerships ?? [];
        for (var i = 0; i < partnerships.Count; i++)
        {
            ValidateText($"partnerships[{i}].title", partnerships[i]?.Title, errors);
            ValidateText($"partnerships[{i}].description", partnerships[i]?.Description, errors);
        }

        var partners = document.Partners ?? [];
        for (var i = 0; i < partners.Count; i++)
        {
            ValidateText($"partners[{i}].displayName", partners[i]?.DisplayName, errors);
            if (partners[i]?.PrivacyPolicyUrl is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps))
            {
                errors.Add($"partners[{i}].privacyPolicyUrl: '{url}' is not an absolute https URL");
            }
        }

        var labels = document.DataItems ?? new Dictionary<string, DataItemDocument>();
        foreach (var (id, item) in labels)
        {
            if (!PolicyValidator.IsValidId(id))
            {
                errors.Add($"dataItems.{id}: '{id}' is not a valid data item id");
                continue;
            }

            ValidateText($"dataItems.{id}.label", item?.Label, errors);
        }

        var used = partnerships.SelectMany(p => p?.Data ?? []).Concat(document.NeverShared ?? []).Where(PolicyValidator.IsValidId).Distinct(StringComparer.Ordinal);
        foreach (var id in used.Where(id => !labels.ContainsKey(id)))
        {
            errors.Add($"dataItems.{id}: is required (a label for people of every data item a partnership or neverShared names)");
        }
    }

    private static void ValidateText(string path, IReadOnlyDictionary<string, string>? text, List<string> errors)
    {
        if (text is null || !text.ContainsKey(RequiredLanguage))
        {
            errors.Add($"{path}.{RequiredLanguage}: is required (an English text for people)");
        }

        foreach (var (language, value) in text ?? new Dictionary<string, string>())
        {
            if (!LanguageTag().IsMatch(language))
            {
                errors.Add($"{path}.{language}: '{language}' is not a language tag (e.g. en, de, pt-BR)");
            }
            else if (string.IsNullOrWhiteSpace(value) || value.Length > MaxTextLength)
            {
                errors.Add($"{path}.{language}: must be 1-{MaxTextLength} characters, not blank");
            }
        }
    }

    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTag();
}
