using ConsentGateway.Http;

namespace ConsentGateway.Server;

/// <summary>
/// <c>dev-token [--sub USER] [--scope "consent.user consent.accounts"] [--hours N]</c>: prints a
/// bearer token signed with the configured development key (<c>Consent:Auth:SigningKey</c>).
/// </summary>
internal static class DevTokenCommand
{
    public const string Name = "dev-token";

    public static int Run(string[] args)
    {
        string? subject = null;
        var scopes = Scopes.User;
        var hours = 1.0;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sub" when i + 1 < args.Length:
                    subject = args[++i];
                    break;
                case "--scope" when i + 1 < args.Length:
                    scopes = args[++i];
                    break;
                case "--hours" when i + 1 < args.Length && double.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out var h):
                    hours = h;
                    i++;
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }

        var configuration = CommandConfiguration.Build(rest);
        var options = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
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
