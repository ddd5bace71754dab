using System.CommandLine;

namespace ConsentGateway.Server;

/// <summary>
/// The server program's commands (System.CommandLine): <c>dev-token</c>, <c>backup</c>, <c>policy</c>, and
/// <c>--help</c>. Without one the program runs the gateway, whose arguments are configuration.
/// A command line the parser refuses (an unknown option, a missing or bad value) is said on
/// stderr with the command's usage, exit code 2; <c>--help</c> prints the help, exit code 0.
/// </summary>
internal static class ServerCommands
{
    /// <summary>Whether <paramref name="args"/> ask for a command rather than the gateway.</summary>
    public static bool AreFor(string[] args) =>
        args is [DevTokenCommand.Name or BackupCommand.Name or PolicyCommand.Name, ..] or ["--help" or "-h" or "-?"];

    public static int Run(string[] args)
    {
        var (own, settings) = CommandArguments.Split(args);
        var root = new RootCommand("The consent gateway's server program. Without a command it runs the gateway, configured by --Section:Key value arguments, environment variables and appsettings.json (see README.md).")
        {
            DevTokenCommand.Create(settings),
            BackupCommand.Create(settings),
            PolicyCommand.Create(settings),
        };

        var parsed = root.Parse(own);
        if (parsed.Errors.Count == 0)
        {
            return parsed.Invoke();
        }

        foreach (var error in parsed.Errors)
        {
            Console.Error.WriteLine(error.Message);
        }

        Console.Error.WriteLine(parsed.CommandResult.Command.Name switch
        {
            DevTokenCommand.Name => DevTokenCommand.Usage,
            BackupCommand.Name => BackupCommand.Usage,
            PolicyCommand.Name or "validate" or "diff" => PolicyCommand.Usage,
            _ => "Commands: dev-token, backup, policy (--help for each).",
        });
        return 2;
    }
}
