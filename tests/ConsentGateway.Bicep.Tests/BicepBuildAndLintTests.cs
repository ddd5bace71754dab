namespace ConsentGateway.Bicep.Tests;

/// <summary>Every .bicep file under infra builds and lints with the pinned Bicep CLI without a single diagnostic.</summary>
public sealed class BicepBuildAndLintTests
{
    public static TheoryData<string> BicepFiles() => [.. Bicep.Files()];

    [Fact]
    public void The_bicep_cli_from_the_nuget_package_runs_and_is_the_pinned_version()
    {
        var version = Bicep.Version();

        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Contains("0.49.2", version.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Infra_holds_main_and_its_modules()
    {
        var files = Bicep.Files();

        Assert.Contains("main.bicep", files);
        Assert.Contains(files, file => file.StartsWith("modules" + Path.DirectorySeparatorChar, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Every_bicep_file_builds_with_no_error_and_no_warning(string file)
    {
        var build = Bicep.Build(file);

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.True(build.Diagnostics.Count == 0, $"bicep build {file} reported:\n{string.Join('\n', build.Diagnostics)}\n{build}");
        Assert.True(string.IsNullOrWhiteSpace(build.StandardError), $"bicep build {file} printed to stderr:\n{build.StandardError}");
        Assert.StartsWith("{", build.StandardOutput.TrimStart(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Every_bicep_file_lints_with_no_diagnostic(string file)
    {
        var lint = Bicep.Lint(file);

        Assert.True(lint.Diagnostics.Count == 0, $"bicep lint {file} reported:\n{string.Join('\n', lint.Diagnostics)}");
        Assert.True(lint.ExitCode == 0, lint.ToString());
        Assert.True(string.IsNullOrWhiteSpace(lint.StandardError) && string.IsNullOrWhiteSpace(lint.StandardOutput), $"bicep lint {file} printed:\n{lint}");
    }
}
