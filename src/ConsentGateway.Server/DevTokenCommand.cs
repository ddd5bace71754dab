using System.CommandLine;
using System.Globalization;
using ConsentGateway.Http;

namespace ConsentGateway.Server;

/// <summary>
/// <c>dev-token [--sub USER] [--scope "consent.user consent.accounts"] [--hours N]</c>: prints a
/// bearer token signed with the configured development key (<c>Consent:Auth:SigningKey</c>).
/// </summary>
internal static class DevTokenCommand
{
    public const string Name = "dev-token";

    private const double MaxHours = 24 * 366;

    public const string Usage = "Usage: dev-token [--sub USER] [--scope \"SCOPE …\"] [--hours N] [--Consent:Auth:SigningKey KEY …]   (dev-token --help)";

    public static Command Create(IReadOnlyList<string> settings)
    {
        var subject = new Option<string?>("--sub") { Description = "The token's subject (sub): the user an app acts for, or the service's name.", HelpName = "USER" };
        var scope = new Option<string>("--scope") { Description = $"Space-separated scopes ({Scopes.User}, {Scopes.Accounts}).", HelpName = "SCOPES", DefaultValueFactory = _ => Scopes.User };
        var hours = new Option<double>("--hours")
        {
            Description = "How long the token is valid, in hours.",
            HelpName = "N",
            DefaultValueFactory = _ => 1.0,
            CustomParser = result =>
            {
                if (result.Tokens is [{ Value: var text }] && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= MaxHours)
                {
                    return value;
                }

                result.AddError($"--hours takes a number of hours, more than 0 and at most {MaxHours} (a year).");
                return 0;
            },
        };

        var command = new Command(Name, "Print a bearer token signed with the development key (Consent:Auth:SigningKey; ./run.sh keeps one in .data/dev-signing-key). Settings (--Consent:Auth:SigningKey KEY …) are read as the server reads them.")
        {
            subject,
            scope,
            hours,
        };
        command.SetAction(result => Run(result.GetValue(subject), result.GetValue(scope)!, result.GetValue(hours), settings));
        return command;
    }

    private static int Run(string? subject, string scopes, double hours, IReadOnlyList<string> settings)
    {
        var options = CommandConfiguration.Build(settings).GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        try
        {
            Console.WriteLine(DevTokens.Create(options, subject, scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), TimeSpan.FromHours(hours)));
            return 0;
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
    }
}
