using System.Security.Cryptography;

namespace ConsentGateway.EndToEnd.Tests.EmbeddedStore;

/// <summary>What "the file is left as it was" compares.</summary>
internal static class StoreFiles
{
    /// <summary>The file's SHA-256, or "absent".</summary>
    public static string Sha256(string path) =>
        File.Exists(path) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : "absent";
}
