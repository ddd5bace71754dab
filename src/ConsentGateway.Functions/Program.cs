using ConsentGateway.Infrastructure.Policy;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddConsentFunctions(builder.Configuration);

var host = builder.Build();

// Fail fast: an invalid policy document stops the worker before it takes requests; the policy
// blob, when configured, is read once before then too.
await host.Services.LoadPolicyAsync();
await host.RunAsync();
