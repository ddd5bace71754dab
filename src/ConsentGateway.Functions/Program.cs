using ConsentGateway.Core.Policy;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddConsentFunctions(builder.Configuration);

var host = builder.Build();

// Fail fast: an invalid policy document stops the worker before it takes requests.
host.Services.GetRequiredService<PolicyInForce>();
await host.RunAsync();
