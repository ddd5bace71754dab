
namespace ConsentGateway.Core.Accounts;

/// <summary>The result of registering an account: the stored account and whether it was created.</summary>
/// <param name="Account">The account as stored.</param>
/// <param name="Created">It did not exist (or was deleted) before.</param>
/// <param name="Changed">Something was written: false when the same facts were registered again.</param>
public sealed record AccountRegistration(AccountRecord Account, bool Created, bool Changed = true);
