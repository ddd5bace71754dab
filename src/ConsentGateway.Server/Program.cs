using ConsentGateway.Server;

return args switch
{
    [DevTokenCommand.Name, .. var rest] => DevTokenCommand.Run(rest),
    [BackupCommand.Name, .. var rest] => BackupCommand.Run(rest),
    _ => await RunServerAsync(args),
};

static async Task<int> RunServerAsync(string[] args)
{
    await ConsentServer.Build(args).RunAsync();
    return 0;
}
