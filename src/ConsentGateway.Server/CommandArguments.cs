namespace ConsentGateway.Server;

/// <summary>
/// A command's arguments split in two: configuration settings as the server takes them
/// (<c>--Section:Key value</c> or <c>--Section:Key=value</c>: a key with a colon), read by
/// <see cref="CommandConfiguration"/>, and the command's own, parsed by System.CommandLine,
/// which refuses anything it does not know (a misspelt <c>--scopes</c>).
/// </summary>
internal sealed record CommandArguments(IReadOnlyList<string> Own, IReadOnlyList<string> Settings)
{
    public static CommandArguments Split(IReadOnlyList<string> args)
    {
        var own = new List<string>();
        var settings = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!IsSetting(arg))
            {
                own.Add(arg);
                continue;
            }

            settings.Add(arg);
            if (!arg.Contains('=', StringComparison.Ordinal) && i + 1 < args.Count)
            {
                settings.Add(args[++i]);
            }
        }

        return new CommandArguments(own, settings);
    }

    private static bool IsSetting(string arg)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal))
        {
            return false;
        }

        var key = arg.AsSpan(2);
        var equals = key.IndexOf('=');
        return (equals < 0 ? key : key[..equals]).Contains(':');
    }
}
