using ConsentGateway.Contracts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Policy;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Accounts;

/// <summary>
/// The write-side use cases of apps and the account service (SPEC §4): accounts, the
/// partner-sharing setting with its history, devices. Concurrency is optimistic: a write
/// that loses a race is re-read and retried, unless the caller pinned a version. Every write
/// is announced through the <see cref="ChangeFeed"/>: intent before, notice after.
/// </summary>
public sealed class AccountService(IAccountStore accounts, IDeviceStore devices, PolicyInForce policies, ChangeFeed feed, TimeProvider time, IOptions<AccountsOptions> limits)
{
    /// <summary>How often a write that lost a race (to another process) is retried before the caller gets a conflict.</summary>
    internal const int MaxAttempts = 50;

    // Earlier instants are typos, and Azure Table Storage cannot store dates before 1601 anyway.
    private static readonly DateTimeOffset EarliestSignup = DateTimeOffset.UnixEpoch;

    private readonly StripedLock _accountLocks = new(1024);
    private readonly StripedLock _deviceLocks = new(1024);
    private readonly RecentCache<AccountRecord> _recent = new(100_000);

    public async Task<Outcome<AccountRegistration>> RegisterAccountAsync(string userId, string? country, string? signedUpAt, CancellationToken cancellationToken)
    {
        if (Identifiers.CheckUserId(userId) is { } invalidId)
        {
            return invalidId;
        }

        if (!CountryCode.TryParse(country, out var countryCode))
        {
            return Failure.Invalid(ProblemCodes.InvalidCountry, "country must be an assigned ISO 3166-1 alpha-2 code in upper case, e.g. \"DE\".");
        }

        if (!UtcInstant.TryParse(signedUpAt, out var signedUp))
        {
            return Failure.Invalid(ProblemCodes.InvalidSignedUpAt, "signedUpAt must be an ISO 8601 UTC instant, e.g. \"2021-03-01T12:00:00Z\".");
        }

        if (signedUp < EarliestSignup)
        {
            return Failure.Invalid(ProblemCodes.InvalidSignedUpAt, "signedUpAt must not be before 1970-01-01T00:00:00Z.");
        }

        if (signedUp > time.GetUtcNow())
        {
            return Failure.Invalid(ProblemCodes.SignedUpAtInFuture, "signedUpAt must not be in the future.");
        }

        return await AnnounceAsync(
            ChangeKind.Account,
            userId,
            null,
            () => WriteAccountAsync(userId, countryCode, signedUp, cancellationToken),
            registration => registration.Changed ? registration.Account.Revision : null,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<Outcome<AccountRegistration>> WriteAccountAsync(string userId, CountryCode countryCode, DateTimeOffset signedUp, CancellationToken cancellationToken)
    {
        using var accountLock = await _accountLocks.AcquireAsync(userId, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
            var current = await accounts.FindAsync(userId, cancellationToken).ConfigureAwait(false);
            if (current is { Exists: true } && current.Country == countryCode && current.SignedUpAt == signedUp)
            {
                // After a write of ours that seemed to fail, the same facts may be that write (a try
                // that landed, timed out and was retried by the store client): announce it, since
                // projecting an unchanged account again is harmless and a lost first notice is not.
                return new AccountRegistration(current, Created: false, Changed: attempt > 0);
            }

            var next = current is null
                ? new AccountRecord(userId, countryCode, signedUp, 1, null, 0, null, Deleted: false, ConcurrencyToken: null)
                : current with { Country = countryCode, SignedUpAt = signedUp, Revision = current.Revision + 1, Deleted = false };
            if (await accounts.TryWriteAccountAsync(next, null, cancellationToken).ConfigureAwait(false) is { } written)
            {
                _recent.Forget(userId);
                return new AccountRegistration(written, Created: current is not { Exists: true });
            }
        }

        return Contention();
    }

    /// <summary>
    /// Deletes the account: from then on it evaluates as unknown. The row stays as a tombstone
    /// (so versions never restart) and the setting is reset to the default, recorded in the history.
    /// </summary>
    public async Task<Outcome<AccountRecord>> DeleteAccountAsync(string userId, CancellationToken cancellationToken)
    {
        if (Identifiers.CheckUserId(userId) is { } invalidId)
        {
            return invalidId;
        }

        return await AnnounceAsync(ChangeKind.Account, userId, null, () => WriteDeletionAsync(userId, cancellationToken), deleted => deleted.Revision, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Outcome<AccountRecord>> WriteDeletionAsync(string userId, CancellationToken cancellationToken)
    {
        using var accountLock = await _accountLocks.AcquireAsync(userId, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
            var current = await accounts.FindAsync(userId, cancellationToken).ConfigureAwait(false);
            if (current is not { Exists: true })
            {
                return Failure.AccountNotFound();
            }

            var now = time.GetUtcNow();
            var version = current.SettingVersion + 1;
            var next = current with { Deleted = true, Revision = current.Revision + 1, Setting = null, SettingVersion = version, SettingUpdatedAt = now };
            var reset = new SettingChange(version, null, now, ChangeChannel.Service, policies.Current.Version, Guid.NewGuid());
            if (await accounts.TryWriteAccountAsync(next, reset, cancellationToken).ConfigureAwait(false) is { } written)
            {
                _recent.Forget(userId);
                return written;
            }
        }

        return Contention();
    }

    public async Task<Outcome<SettingView>> GetSettingAsync(string userId, CancellationToken cancellationToken)
    {
        if (Identifiers.CheckUserId(userId) is { } invalidId)
        {
            return invalidId;
        }

        var account = await accounts.FindAsync(userId, cancellationToken).ConfigureAwait(false);
        return account is { Exists: true } ? ViewOf(account) : Failure.AccountNotFound();
    }

    /// <summary>
    /// Records a new value of the setting (granting and withdrawing are the same call). With
    /// <paramref name="expectedVersion"/> the change applies only to that version (else 412);
    /// without, a lost race is retried on the fresh state. Every accepted call is a new version.
    /// </summary>
    public Task<Outcome<SettingView>> ChangeSettingAsync(string userId, bool enabled, long? expectedVersion, ChangeChannel channel, CancellationToken cancellationToken) =>
        ChangeSettingAsync(userId, enabled, expectedVersion, channel, noticeVersion: null, cancellationToken);

    /// <summary>
    /// As the overload without a notice, recording <paramref name="noticeVersion"/> (the version
    /// of the texts the user saw; <see cref="NoticeVersions"/>) with the change. Every accepted
    /// change gets a new random receipt id, answered in the view and kept in the history.
    /// </summary>
    public async Task<Outcome<SettingView>> ChangeSettingAsync(string userId, bool enabled, long? expectedVersion, ChangeChannel channel, string? noticeVersion, CancellationToken cancellationToken)
    {
        if (Identifiers.CheckUserId(userId) is { } invalidId)
        {
            return invalidId;
        }

        if (noticeVersion is not null && !NoticeVersions.IsValid(noticeVersion))
        {
            return Failure.Invalid(ProblemCodes.InvalidNoticeVersion, $"noticeVersion must be {NoticeVersions.Rule}, e.g. \"2020-04-06\".");
        }

        return await AnnounceAsync(ChangeKind.Setting, userId, null, () => WriteSettingAsync(userId, enabled, expectedVersion, channel, noticeVersion, cancellationToken), view => view.Version, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Outcome<SettingView>> WriteSettingAsync(string userId, bool enabled, long? expectedVersion, ChangeChannel channel, string? noticeVersion, CancellationToken cancellationToken)
    {
        // One receipt per accepted call, whichever attempt lands.
        var receiptId = Guid.NewGuid();
        using var accountLock = await _accountLocks.AcquireAsync(userId, cancellationToken).ConfigureAwait(false);
        var current = _recent.Get(userId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var fresh = current is null;
            current ??= await accounts.FindAsync(userId, cancellationToken).ConfigureAwait(false);
            if (current is not { Exists: true })
            {
                _recent.Forget(userId);
                return Failure.AccountNotFound();
            }

            if (expectedVersion is { } expected && expected != current.SettingVersion)
            {
                if (!fresh)
                {
                    current = null;
                    continue;
                }

                return Stale(current.SettingVersion);
            }

            var now = time.GetUtcNow();
            var change = new SettingChange(current.SettingVersion + 1, enabled, now, channel, policies.Current.Version, receiptId, noticeVersion);
            if (await accounts.TryAppendChangeAsync(userId, change, cancellationToken).ConfigureAwait(false))
            {
                var written = current with { Setting = enabled, SettingVersion = change.Version, SettingUpdatedAt = now };
                _recent.Remember(userId, written);
                return ViewOf(written) with { ReceiptId = receiptId, NoticeVersion = noticeVersion };
            }

            // Another writer took this version: read again; If-Match is then checked on the fresh state.
            _recent.Forget(userId);
            current = null;
            await BackOffAsync(attempt + 1, cancellationToken).ConfigureAwait(false);
        }

        return Contention();
    }

    /// <summary>Every accepted change, oldest first; kept after the account is deleted, as proof.</summary>
    public async Task<Outcome<IReadOnlyList<SettingChange>>> GetHistoryAsync(string userId, CancellationToken cancellationToken)
    {
        if (Identifiers.CheckUserId(userId) is { } invalidId)
        {
            return invalidId;
        }

        if (await accounts.FindAsync(userId, cancellationToken).ConfigureAwait(false) is null)
        {
            return Failure.AccountNotFound();
        }

        return Outcome.Success(await accounts.GetHistoryAsync(userId, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Registers a device that opened an app; <c>true</c> if it is new.</summary>
    public async Task<Outcome<bool>> RegisterDeviceAsync(string adId, CancellationToken cancellationToken)
    {
        if (Identifiers.CheckDeviceId(adId) is { } invalidId)
        {
            return invalidId;
        }

        return await AnnounceAsync(
            ChangeKind.Device,
            adId,
            null,
            async () => Outcome.Success(await devices.RegisterAsync(adId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false)),
            created => created ? 0 : null,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Links a device to an account that logged in on it (registering the device if needed), and
    /// says whether the link is new and the device's version with it. A new link beyond <see cref="AccountsOptions.MaxAccountsPerDevice"/>
    /// is refused and writes nothing. Links of one device queue inside one process, so the limit
    /// holds there; links racing from several processes may pass it by a few, and such a device
    /// then denies (docs/storage.md).
    /// </summary>
    public async Task<Outcome<DeviceLink>> LinkDeviceAsync(string adId, string userId, CancellationToken cancellationToken)
    {
        if ((Identifiers.CheckDeviceId(adId) ?? Identifiers.CheckUserId(userId)) is { } invalidId)
        {
            return invalidId;
        }

        if (await accounts.FindAsync(userId, cancellationToken).ConfigureAwait(false) is not { Exists: true })
        {
            return Failure.AccountNotFound();
        }

        using var deviceLock = await _deviceLocks.AcquireAsync(adId, cancellationToken).ConfigureAwait(false);
        if (await devices.FindAsync(adId, cancellationToken).ConfigureAwait(false) is { } device
            && device.LinkedUserIds.Count >= limits.Value.MaxAccountsPerDevice
            && !device.LinkedUserIds.Contains(userId, StringComparer.Ordinal))
        {
            return TooManyLinkedAccounts(limits.Value.MaxAccountsPerDevice);
        }

        return await AnnounceAsync(ChangeKind.Device, adId, userId, () => WriteLinkAsync(adId, userId, cancellationToken), link => link.Created ? 0 : null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Outcome<DeviceLink>> WriteLinkAsync(string adId, string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();

        // Account side first: a crash in between leaves an index entry without the link, which
        // only makes later projections look at one device too many, never too few.
        await accounts.AddDeviceLinkAsync(userId, adId, now, cancellationToken).ConfigureAwait(false);
        var created = await devices.LinkAsync(adId, userId, now, cancellationToken).ConfigureAwait(false);

        // The links as they are now, read after the write: another process may have linked the
        // device meanwhile, and a count taken before would then let a projection without this
        // link pass for one with it. Links are never removed, so a row with at least this many has it.
        var device = await devices.FindAsync(adId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The device store lost a device it has just linked.");
        return new DeviceLink(created, SubjectVersion.OfDevice(device.LinkedUserIds.Count));
    }

    /// <summary>
    /// Records the intent, runs the write, then publishes the notice (with the version the write
    /// produced) or drops the intent when nothing changed. A write that throws keeps its intent
    /// and is reported unconfirmed: it may have landed, and repair re-projecting an unchanged
    /// account is harmless.
    /// </summary>
    private async Task<Outcome<T>> AnnounceAsync<T>(
        ChangeKind kind, string key, string? linkedUserId, Func<Task<Outcome<T>>> write, Func<T, long?> versionOf, CancellationToken cancellationToken)
    {
        var intent = await feed.BeginAsync(kind, key, cancellationToken, linkedUserId).ConfigureAwait(false);
        Outcome<T> outcome;
        try
        {
            outcome = await write().ConfigureAwait(false);
        }
        catch
        {
            feed.Unconfirmed(intent);
            throw;
        }

        if (outcome.Failure is null && versionOf(outcome.Value!) is { } version)
        {
            await feed.PublishAsync(intent, version, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await feed.AbandonAsync(intent, cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    // Another process won the race: wait a little, more each time, with jitter, before re-reading.
    private static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        attempt == 0 ? Task.CompletedTask : Task.Delay(Random.Shared.Next(attempt, 4 * attempt), cancellationToken);

    private SettingView ViewOf(AccountRecord account) => SettingView.Of(account, policies.Current);

    private static Failure Stale(long currentVersion) =>
        new(FailureKind.PreconditionFailed, ProblemCodes.VersionMismatch, $"The setting is no longer at the version given in If-Match; it is at version {currentVersion} or later. Read it again.");

    private static Failure TooManyLinkedAccounts(int max) =>
        new(FailureKind.Conflict, ProblemCodes.TooManyLinkedAccounts, $"The device is already linked to {max} accounts, the most one device may have (Consent:Accounts:MaxAccountsPerDevice); nothing was linked.");

    private static Failure Contention() =>
        new(FailureKind.Conflict, ProblemCodes.ConcurrentUpdate, "Other writers kept changing this account; nothing was written. Retry.");
}
