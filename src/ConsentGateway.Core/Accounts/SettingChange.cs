
namespace ConsentGateway.Core.Accounts;

/// <summary>
/// One accepted setting change, kept forever as proof of consent (GDPR Art. 7(1)).
/// <see cref="Enabled"/> is <c>null</c> for the reset to the default when the account was deleted.
/// </summary>
/// <param name="ReceiptId">A random id given to the change when it was accepted, for the user to keep; <c>null</c> for entries written before receipts existed.</param>
/// <param name="NoticeVersion">The version of the texts the user saw when making the change, when the client said (<see cref="Contracts.NoticeVersions"/>).</param>
public sealed record SettingChange(long Version, bool? Enabled, DateTimeOffset At, ChangeChannel Channel, string PolicyVersion, Guid? ReceiptId = null, string? NoticeVersion = null);
