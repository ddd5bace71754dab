using ConsentGateway.Core.Policy;
using ConsentGateway.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services
    .AddConsentCore(builder.Configuration)
    .AddConsentTableStorage(builder.Configuration)
    .AddConsentServiceBus(builder.Configuration)
    .AddConsentHttp(builder.Configuration)
    .AddConsentTelemetry(builder.Configuration);

var host = builder.Build();

// Fail fast: an invalid policy document stops the worker before it takes requests.
host.Services.GetRequiredService<CompiledPolicy>();
await host.RunAsync();
