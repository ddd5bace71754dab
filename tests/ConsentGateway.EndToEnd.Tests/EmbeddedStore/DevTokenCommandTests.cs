using System.Net;
using System.Text.RegularExpressions;
using ConsentGateway.Http;
using ConsentGateway.Server;

namespace ConsentGateway.EndToEnd.Tests.EmbeddedStore;

/// <summary>
/// <c>dotnet ConsentGateway.Server.dll dev-token …</c> typed as a person types it: a help, a
/// refusal of what it does not know, and a token the gateway accepts.
/// </summary>
public sealed partial class DevTokenCommandTests(GatewayServer server) : IClassFixture<GatewayServer>
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_describes_the_options_and_prints_no_token(string flag)
    {
        var run = await ServerProgram.RunAsync(["dev-token", flag, .. Settings()]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.All(["--sub", "--scope", "--hours", "Consent:Auth:SigningKey"], option => Assert.Contains(option, run.Output, StringComparison.Ordinal));
        Assert.DoesNotMatch(Jwt(), run.Output);
    }

    [Theory]
    [InlineData("--scopes", "consent.user")]
    [InlineData("--subject", "alice")]
    [InlineData("--hours", "soon")]
    [InlineData("--hours", "-1")]
    public async Task An_unknown_option_or_a_bad_value_is_refused_with_exit_code_2_and_no_token(string option, string value)
    {
        var run = await ServerProgram.RunAsync(["dev-token", "--sub", "alice", option, value, .. Settings()]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(option == "--hours" ? "--hours" : $"'{option}'", run.Output, StringComparison.Ordinal);
        Assert.Contains(DevTokenCommand.Usage, run.Output, StringComparison.Ordinal);
        Assert.DoesNotMatch(Jwt(), run.Output);
    }

    [Fact]
    public async Task The_token_printed_for_a_subject_and_scope_is_accepted_by_the_gateway_as_that_user()
    {
        var run = await ServerProgram.RunAsync(["dev-token", "--sub", "alice", "--scope", Scopes.User, .. Settings()]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var token = Jwt().Match(run.Output).Value;
        using var alice = server.Client(token);
        using var own = await alice.GetAsync("/api/v1/accounts/alice/partner-sharing");
        using var other = await alice.GetAsync("/api/v1/accounts/bob/partner-sharing");
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.Forbidden), (own.StatusCode, other.StatusCode));
    }

    [Fact]
    public async Task The_server_program_has_a_help_of_its_commands()
    {
        var run = await ServerProgram.RunAsync(["--help"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.All(["dev-token", "backup"], command => Assert.Contains(command, run.Output, StringComparison.Ordinal));
    }

    // As the README says: the same settings as the server's, after the command's own options.
    private string[] Settings() =>
    [
        "--Consent:Auth:Issuer", GatewayServer.Issuer,
        "--Consent:Auth:Audience", GatewayServer.Audience,
        "--Consent:Auth:SigningKey", server.SigningKey,
    ];

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")]
    private static partial Regex Jwt();
}
