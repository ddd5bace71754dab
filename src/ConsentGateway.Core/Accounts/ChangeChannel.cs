
namespace ConsentGateway.Core.Accounts;

/// <summary>Who made a change: the user through an app, or the account service.</summary>
public enum ChangeChannel
{
    User,
    Service,
}
