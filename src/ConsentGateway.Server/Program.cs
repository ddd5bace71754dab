using ConsentGateway.Server;

if (args.Length > 0 && args[0] == DevTokenCommand.Name)
{
    return DevTokenCommand.Run(args[1..]);
}

await ConsentServer.Build(args).RunAsync();
return 0;
