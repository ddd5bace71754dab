using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using ConsentGateway.Core.Projection;

namespace ConsentGateway.Infrastructure.TableStorage;

/// <summary>
/// <see cref="IProjectionStore"/> on one table, one partition per subject: an account's row is
/// <c>u|{userId}</c> / <c>account</c>, a device's <c>d|{adId}</c> / <c>device</c>, holding its
/// linked accounts as one compact JSON string (layout, reasons and limits: docs/storage.md).
/// </summary>
public sealed class TableProjectionStore(TableClient table) : IProjectionStore
{
    /// <summary>
    /// The longest <c>Accounts</c> JSON a device row may hold: a Table Storage string property
    /// holds at most 64 KiB of UTF-16, that is 32,768 characters. About 300 linked accounts
    /// with ids of GUID length fit, about 170 with ids of the longest length allowed (128).
    /// </summary>
    public const int MaxAccountsJsonLength = 64 * 1024 / sizeof(char);

    private const string AccountPartitionPrefix = "u|";
    private const string DevicePartitionPrefix = "d|";
    private const string Exists = nameof(AccountProjection.Exists);
    private const string Country = nameof(AccountProjection.Country);
    private const string SignedUpAt = nameof(AccountProjection.SignedUpAt);
    private const string Setting = nameof(AccountProjection.Setting);
    private const string Revision = nameof(AccountProjection.Revision);
    private const string SettingVersion = nameof(AccountProjection.SettingVersion);
    private const string Accounts = nameof(DeviceProjection.Accounts);

    private readonly TableClient _table = table ?? throw new ArgumentNullException(nameof(table));

    public async Task<Stored<AccountProjection>?> GetAccountAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return await FindRowAsync(AccountPartitionPrefix + userId, TableRows.AccountKey, cancellationToken).ConfigureAwait(false) is { } row
            ? new Stored<AccountProjection>(ToAccount(userId, row), row.ETag.ToString())
            : null;
    }

    public async Task<Stored<DeviceProjection>?> GetDeviceAsync(string adId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(adId);
        return await FindRowAsync(DevicePartitionPrefix + adId, TableRows.DeviceKey, cancellationToken).ConfigureAwait(false) is { } row
            ? new Stored<DeviceProjection>(new DeviceProjection(adId, ToAccounts(row)), row.ETag.ToString())
            : null;
    }

    public Task<string?> TryPutAccountAsync(AccountProjection projection, string? expectedToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(projection);
        return TryPutAsync(ToRow(projection), expectedToken, cancellationToken);
    }

    /// <exception cref="ArgumentException">The linked accounts do not fit in one row (<see cref="MaxAccountsJsonLength"/>).</exception>
    public Task<string?> TryPutDeviceAsync(DeviceProjection projection, string? expectedToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(projection);
        return TryPutAsync(ToRow(projection), expectedToken, cancellationToken);
    }

    /// <summary>One point read; <c>null</c> when the row does not exist (its table missing is an error).</summary>
    private async Task<TableEntity?> FindRowAsync(string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        // Answers a missing row without an exception: most first projections of an account find none.
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, select: null, cancellationToken).ConfigureAwait(false);
        if (response.HasValue)
        {
            return response.Value;
        }

        TableRows.ThrowIfTableNotFound(response.GetRawResponse());
        return null;
    }

    // Insert, or replace under the ETag; the new ETag comes back so the projector can write the row again without reading it.
    private async Task<string?> TryPutAsync(TableEntity row, string? expectedToken, CancellationToken cancellationToken)
    {
        try
        {
            var response = expectedToken is null
                ? await _table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false)
                : await _table.UpdateEntityAsync(row, new ETag(expectedToken), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return (response.Headers.ETag ?? throw new InvalidOperationException("The table service answered a projection write without an ETag.")).ToString();
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 || TableRows.IsMissingRow(ex))
        {
            return null;
        }
    }

    private static TableEntity ToRow(AccountProjection account)
    {
        ArgumentException.ThrowIfNullOrEmpty(account.UserId, nameof(account));
        var row = new TableEntity(AccountPartitionPrefix + account.UserId, TableRows.AccountKey)
        {
            [Exists] = account.Exists,
            [Country] = account.Country.ToString(),
            [Revision] = account.Revision,
            [SettingVersion] = account.SettingVersion,
        };

        // A missing account has no sign-up instant (default, year 1): Edm.DateTime starts at 1601.
        if (account.SignedUpAt != default)
        {
            row[SignedUpAt] = account.SignedUpAt.ToUniversalTime();
        }

        if (account.Setting is { } setting)
        {
            row[Setting] = setting;
        }

        return row;
    }

    private static AccountProjection ToAccount(string userId, TableEntity row) =>
        new(
            userId,
            row.GetRequiredBoolean(Exists),
            TableRows.ParseCountry(row.GetRequiredString(Country)) ?? throw TableRows.Invalid(row, Country),
            row.GetDateTimeOffset(SignedUpAt) ?? default,
            row.GetBoolean(Setting),
            row.GetRequiredInt64(Revision),
            row.GetRequiredInt64(SettingVersion));

    private static TableEntity ToRow(DeviceProjection device)
    {
        ArgumentException.ThrowIfNullOrEmpty(device.AdId, nameof(device));
        ArgumentNullException.ThrowIfNull(device.Accounts, nameof(device));
        var json = JsonSerializer.Serialize<List<LinkedAccount?>>([.. device.Accounts.Select(LinkedAccount.From)], ProjectionJsonContext.Default.ListLinkedAccount);
        if (json.Length > MaxAccountsJsonLength)
        {
            // No ids in the message: they are user and device ids.
            throw new ArgumentException(
                $"The projection of a device with {device.Accounts.Count} linked accounts is {json.Length} characters of JSON, over the {MaxAccountsJsonLength} (64 KiB) one Table Storage property holds; it is not written (docs/storage.md, limits).",
                nameof(device));
        }

        return new TableEntity(DevicePartitionPrefix + device.AdId, TableRows.DeviceKey) { [Accounts] = json };
    }

    private static List<AccountProjection> ToAccounts(TableEntity row)
    {
        List<LinkedAccount?>? accounts;
        try
        {
            accounts = JsonSerializer.Deserialize(row.GetRequiredString(Accounts), ProjectionJsonContext.Default.ListLinkedAccount);
        }
        catch (JsonException)
        {
            throw TableRows.Invalid(row, Accounts);
        }

        var projections = new List<AccountProjection>(accounts?.Count ?? 0);
        foreach (var account in accounts ?? throw TableRows.Invalid(row, Accounts))
        {
            projections.Add(account?.ToProjection() ?? throw TableRows.Invalid(row, Accounts));
        }

        return projections;
    }

    /// <summary>One linked account in a device row's JSON: short names, and values at their default left out.</summary>
    internal sealed record LinkedAccount(
        [property: JsonPropertyName("u")] string? UserId,
        [property: JsonPropertyName("g")] bool Gone,
        [property: JsonPropertyName("c")] string? Country,
        [property: JsonPropertyName("t")] long SignedUpAtUtcTicks,
        [property: JsonPropertyName("s")] bool? Setting,
        [property: JsonPropertyName("r")] long Revision,
        [property: JsonPropertyName("v")] long SettingVersion)
    {
        public static LinkedAccount From(AccountProjection account)
        {
            ArgumentNullException.ThrowIfNull(account);
            var country = account.Country.ToString();
            return new(account.UserId, !account.Exists, country.Length == 0 ? null : country, account.SignedUpAt.UtcTicks, account.Setting, account.Revision, account.SettingVersion);
        }

        /// <summary>The projection; <c>null</c> when a value is out of its range.</summary>
        public AccountProjection? ToProjection() =>
            UserId is { Length: > 0 }
            && TableRows.ParseCountry(Country ?? string.Empty) is { } country
            && SignedUpAtUtcTicks >= 0 && SignedUpAtUtcTicks <= DateTimeOffset.MaxValue.UtcTicks
                ? new AccountProjection(UserId, !Gone, country, new DateTimeOffset(SignedUpAtUtcTicks, TimeSpan.Zero), Setting, Revision, SettingVersion)
                : null;
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(List<TableProjectionStore.LinkedAccount?>))]
internal sealed partial class ProjectionJsonContext : JsonSerializerContext;
