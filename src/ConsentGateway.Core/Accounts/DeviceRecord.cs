
namespace ConsentGateway.Core.Accounts;

/// <summary>A registered device and the accounts that logged in on it.</summary>
public sealed record DeviceRecord(string AdId, DateTimeOffset RegisteredAt, IReadOnlyList<string> LinkedUserIds);
