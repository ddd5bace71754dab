using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Evaluation;

/// <summary>A device as read for a decision: its status and, when found, its linked accounts.</summary>
public readonly record struct DeviceLookup(LookupStatus Status, AccountLookup[] Accounts)
{
    public static DeviceLookup NotFound => new(LookupStatus.NotFound, []);

    public static DeviceLookup Unavailable => new(LookupStatus.Unavailable, []);
}
