using ConsentGateway.Server.OpenApi;
using Scalar.AspNetCore;

namespace ConsentGateway.Server;

/// <summary>
/// The API docs: the OpenAPI document (<c>/openapi/v1.json</c>) and Scalar's reference page
/// (<c>/scalar/v1</c>), served outside Production unless <see cref="EnabledSetting"/> says otherwise.
/// </summary>
public static class ApiDocsEndpointRouteBuilderExtensions
{
    /// <summary><c>true</c> serves the docs in Production too; <c>false</c> hides them everywhere; unset: every environment but Production.</summary>
    public const string EnabledSetting = "Consent:ApiDocs:Enabled";

    public static WebApplication MapApiDocs(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Configuration.GetValue<bool?>(EnabledSetting) ?? !app.Environment.IsProduction())
        {
            app.MapOpenApi();
            app.MapScalarApiReference(ConfigureScalar);
        }

        return app;
    }

    // The page runs on closed networks: everything it loads comes from this app (Scalar serves its
    // bundle itself), and every feature that calls Scalar's hosted services is off.
    private static void ConfigureScalar(ScalarOptions options) => options
        .WithTitle("Consent gateway API")
        .AddPreferredSecuritySchemes([SecuritySchemes.Bearer, SecuritySchemes.ProxyKey])
        .DisableDefaultFonts()
        .DisableTelemetry()
        .DisableAgent()
        .DisableMcp()
        .HideClientButton()
        .HideDeveloperTools();
}
