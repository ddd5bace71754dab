namespace ConsentGateway.Core.Changes;

/// <summary>What changed in the source of truth, and so what the projector must re-read.</summary>
public enum ChangeKind
{
    /// <summary>An account was created, moved or deleted (<see cref="ChangeNotice.Key"/> = user id, version = revision).</summary>
    Account,

    /// <summary>An account's setting changed (key = user id, version = setting version).</summary>
    Setting,

    /// <summary>A device was registered or linked (key = advertising id, version = 0).</summary>
    Device,
}
