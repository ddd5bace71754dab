namespace ConsentGateway.Core.Changes;

/// <summary>
/// Told of a write that threw after its intent was recorded: it may have landed (the store
/// applied it and the answer was lost) without a notice, so only repair will publish it. A
/// transport that vouches for "every change is known" (the self-host's in-process bus) counts it
/// as unprojected until a notice of its intent is projected. Service Bus does not vouch for
/// anything (the Azure cache follows the change log), so nothing is registered there.
/// </summary>
public interface IUnconfirmedWrites
{
    void Unconfirmed(Intent intent);
}
