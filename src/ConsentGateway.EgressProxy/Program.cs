using ConsentGateway.EgressProxy;

await EgressProxyServer.Build(args).RunAsync();
