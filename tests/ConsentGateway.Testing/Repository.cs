namespace ConsentGateway.Testing;

/// <summary>Where the repository is, seen from a test's output folder.</summary>
public static class Repository
{
    /// <summary>The folder holding ConsentFunctions.sln, above the test output.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ConsentFunctions.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above '{AppContext.BaseDirectory}' holds ConsentFunctions.sln: the tests must run from a build inside the repository.");
    }
}
