namespace ConsentGateway.Core.Changes;

/// <summary>
/// How new a projection row is, in the two counters it was computed from; both only grow. An
/// account: its revision (create, move, delete) and its setting version. A device: its revision
/// counts its registration and each link (1 when registered, 1 + links after that), and its setting
/// version is always 0. A row never known is <see cref="None"/>.
/// </summary>
public readonly record struct SubjectVersion(long Revision, long SettingVersion)
{
    public static SubjectVersion None => default;

    /// <summary>The version of a registered device with <paramref name="linkCount"/> linked accounts.</summary>
    public static SubjectVersion OfDevice(long linkCount) => new(1 + linkCount, 0);

    /// <summary>Computed from a source at least as new as <paramref name="other"/>'s, in both counters.</summary>
    public bool IsAtLeast(SubjectVersion other) => Revision >= other.Revision && SettingVersion >= other.SettingVersion;
}
