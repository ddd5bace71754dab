using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace ConsentGateway.Server.SettingsPage;

/// <summary>One file of the settings page, embedded in the server's assembly and read once: its bytes, type and a strong ETag of its content.</summary>
internal sealed class SettingsPageAsset
{
    private SettingsPageAsset(byte[] content, string contentType)
    {
        Content = content;
        ContentType = contentType;
        ETag = new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..32] + "\"");
    }

    public byte[] Content { get; }

    public string ContentType { get; }

    public EntityTagHeaderValue ETag { get; }

    /// <param name="fileName">The file's name in <c>SettingsPage/Assets</c> (its manifest resource name, see the project file).</param>
    public static SettingsPageAsset Load(string fileName, string contentType)
    {
        using var stream = typeof(SettingsPageAsset).Assembly.GetManifestResourceStream("SettingsPage/" + fileName)
            ?? throw new InvalidOperationException($"The settings page's {fileName} is not embedded in the server's assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return new SettingsPageAsset(buffer.ToArray(), contentType);
    }
}
