using ConsentGateway.Core.Changes;

namespace ConsentGateway.Core.Accounts;

/// <summary>The result of linking a device to an account.</summary>
/// <param name="Created">The link is new.</param>
/// <param name="DeviceVersion">The device's version with the link: a projection at least this new has it (its consistency token demands this).</param>
public sealed record DeviceLink(bool Created, SubjectVersion DeviceVersion);
