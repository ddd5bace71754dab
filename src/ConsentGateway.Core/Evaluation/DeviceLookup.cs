
namespace ConsentGateway.Core.Evaluation;

/// <summary>A device as read for a decision: its status and, when found, the ids of its linked accounts (read through the account entries).</summary>
public readonly record struct DeviceLookup(LookupStatus Status, string[] LinkedUserIds)
{
    public static DeviceLookup NotFound => new(LookupStatus.NotFound, []);

    public static DeviceLookup Unavailable => new(LookupStatus.Unavailable, []);

    public static DeviceLookup TooManyLinkedAccounts => new(LookupStatus.TooManyLinkedAccounts, []);

    public static DeviceLookup Found(string[] linkedUserIds) => new(LookupStatus.Found, linkedUserIds);
}
