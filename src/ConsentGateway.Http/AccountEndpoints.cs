using ConsentGateway.Contracts;
using ConsentGateway.Core;
using ConsentGateway.Core.Accounts;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Effects;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConsentGateway.Http;

/// <summary>
/// The API for apps and the account service (SPEC §4), written once: each method
/// authenticates, authorizes, reads the input, calls one use case and maps the outcome.
/// The self-hosted server maps them as endpoints; the Functions app calls them from triggers.
/// Every accepted write answers the consistency token of the version it gave its subject.
/// </summary>
public sealed class AccountEndpoints(AccountService accounts, SettingEffectsService effects, ConsistencyTokens tokens)
{
    /// <summary>The export's answer is a file to save, under one name whatever the account (the id stays out of file names).</summary>
    public const string ExportDisposition = "attachment; filename=\"consent-export.json\"";

    public async Task<Results<Created<AccountResponse>, Ok<AccountResponse>, ProblemHttpResult>> PutAccountAsync(HttpContext context, string userId)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await AuthorizeAsync(context, caller => caller.IsAccountService) is { } denied)
        {
            return denied;
        }

        var (body, problem) = await JsonRequestBody.ReadAsync(context.Request, ApiJsonContext.Default.AccountBody);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await CallAsync(context, ct => accounts.RegisterAccountAsync(userId, body!.Country, body.SignedUpAt, ct));
        if (outcome.Failure is { } failure)
        {
            return Problems.From(failure);
        }

        var (account, created, _) = outcome.Value!;
        var response = new AccountResponse(account.UserId, account.Country.ToString(), account.SignedUpAt.UtcDateTime, account.Revision, AccountToken(account));
        return created ? TypedResults.Created((string?)null, response) : TypedResults.Ok(response);
    }

    public async Task<Results<NoContent, ProblemHttpResult>> DeleteAccountAsync(HttpContext context, string userId)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await AuthorizeAsync(context, caller => caller.IsAccountService) is { } denied)
        {
            return denied;
        }

        var outcome = await CallAsync(context, ct => accounts.DeleteAccountAsync(userId, ct));
        if (outcome.Failure is { } failure)
        {
            return Problems.From(failure);
        }

        // No body to carry it: the token is a header.
        context.Response.Headers[ConsentHeaders.ConsistencyToken] = AccountToken(outcome.Value!);
        return TypedResults.NoContent();
    }

    public async Task<Results<Ok<SettingResponse>, ProblemHttpResult>> GetSettingAsync(HttpContext context, string userId)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await AuthorizeAsync(context, caller => caller.MayActFor(userId)) is { } denied)
        {
            return denied;
        }

        return Setting(context, await CallAsync(context, ct => accounts.GetSettingAsync(userId, ct)), null);
    }

    public async Task<Results<Ok<SettingResponse>, ProblemHttpResult>> PutSettingAsync(HttpContext context, string userId)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = await Caller.AuthenticateAsync(context);
        if (Authorize(context, caller, c => c.MayActFor(userId)) is { } denied)
        {
            return denied;
        }

        if (!ETags.TryParseIfMatch(context.Request.Headers.IfMatch, out var expectedVersion))
        {
            return Problems.From(Failure.Invalid(ProblemCodes.InvalidIfMatch, "If-Match must be one version ETag as returned by the API, e.g. If-Match: \"3\", or *."));
        }

        var (body, problem) = await JsonRequestBody.ReadAsync(context.Request, ApiJsonContext.Default.SettingBody);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Enabled is not { } enabled)
        {
            return Problems.From(Failure.Invalid(ProblemCodes.MissingField, "The body must say \"enabled\": true or false."));
        }

        var channel = caller!.IsUser(userId) ? ChangeChannel.User : ChangeChannel.Service;
        // The setting's version is all a decision needs to reflect of this write.
        var changed = await CallAsync(context, ct => accounts.ChangeSettingAsync(userId, enabled, expectedVersion, channel, body.NoticeVersion, ct));
        return Setting(context, changed, view => tokens.Issue(SubjectKind.Account, userId, new SubjectVersion(0, view.Version)));
    }

    public Task<Results<Ok<HistoryResponse>, ProblemHttpResult>> GetHistoryAsync(HttpContext context, string userId) =>
        ReadAsync(context, userId, ct => accounts.GetHistoryAsync(userId, ct), changes => new HistoryResponse(userId, [.. changes.Select(AccountResponses.Entry)]));

    /// <summary>What the setting does for the account now, as decisions answer it (ADR 11).</summary>
    public Task<Results<Ok<EffectsResponse>, ProblemHttpResult>> GetEffectsAsync(HttpContext context, string userId) =>
        ReadAsync(context, userId, ct => effects.GetEffectsAsync(userId, ct), AccountResponses.Effects);

    /// <summary>Everything held about the account, as a file to keep (data subject access).</summary>
    public Task<Results<Ok<ExportResponse>, ProblemHttpResult>> GetExportAsync(HttpContext context, string userId) =>
        ReadAsync(context, userId, ct => effects.ExportAsync(userId, ct), export =>
        {
            context.Response.Headers.ContentDisposition = ExportDisposition;
            return AccountResponses.Export(export);
        });

    public async Task<Results<Created<DeviceResponse>, Ok<DeviceResponse>, ProblemHttpResult>> PutDeviceAsync(HttpContext context, string adId)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await AuthorizeAsync(context, caller => caller.IsAccountService) is { } denied)
        {
            return denied;
        }

        var outcome = await CallAsync(context, ct => accounts.RegisterDeviceAsync(adId, ct));
        if (outcome.Failure is { } failure)
        {
            return Problems.From(failure);
        }

        // Registered is the device's first version; a device with links is newer still.
        var device = new DeviceResponse(adId, tokens.Issue(SubjectKind.Device, adId, SubjectVersion.OfDevice(0)));
        return outcome.Value ? TypedResults.Created((string?)null, device) : TypedResults.Ok(device);
    }

    public async Task<Results<Created<DeviceLinkResponse>, Ok<DeviceLinkResponse>, ProblemHttpResult>> PutDeviceLinkAsync(HttpContext context, string adId, string userId)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await AuthorizeAsync(context, caller => caller.MayActFor(userId)) is { } denied)
        {
            return denied;
        }

        var outcome = await CallAsync(context, ct => accounts.LinkDeviceAsync(adId, userId, ct));
        if (outcome.Failure is { } failure)
        {
            return Problems.From(failure);
        }

        var (created, version) = outcome.Value!;
        var link = new DeviceLinkResponse(adId, userId, tokens.Issue(SubjectKind.Device, adId, version));
        return created ? TypedResults.Created((string?)null, link) : TypedResults.Ok(link);
    }

    // Every use case goes through here: a store that does not answer is one outcome for all of them.
    private static async Task<Outcome<T>> CallAsync<T>(HttpContext context, Func<CancellationToken, Task<Outcome<T>>> useCase)
    {
        try
        {
            return await useCase(context.RequestAborted).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            return Problems.StoreUnavailable(context);
        }
    }

    // A read about one account, by its user or the account service: authorize, call, answer.
    private static async Task<Results<Ok<TResponse>, ProblemHttpResult>> ReadAsync<T, TResponse>(
        HttpContext context, string userId, Func<CancellationToken, Task<Outcome<T>>> useCase, Func<T, TResponse> answer)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await AuthorizeAsync(context, caller => caller.MayActFor(userId)) is { } denied)
        {
            return denied;
        }

        var outcome = await CallAsync(context, useCase);
        return outcome.Failure is { } failure ? Problems.From(failure) : TypedResults.Ok(answer(outcome.Value!));
    }

    private static async Task<ProblemHttpResult?> AuthorizeAsync(HttpContext context, Func<Caller, bool> allowed) =>
        Authorize(context, await Caller.AuthenticateAsync(context), allowed);

    // No valid token: 401. A token without the right scope or for another user: 403.
    private static ProblemHttpResult? Authorize(HttpContext context, Caller? caller, Func<Caller, bool> allowed) =>
        caller is null ? Problems.Unauthorized(context)
        : allowed(caller) ? null
        : Problems.Forbidden("The token's scopes do not allow this call for this account.");

    /// <summary>The setting as answered; <paramref name="tokenOf"/> gives a change's consistency token (a read has none).</summary>
    private static Results<Ok<SettingResponse>, ProblemHttpResult> Setting(HttpContext context, Outcome<SettingView> outcome, Func<SettingView, string>? tokenOf)
    {
        if (outcome.Failure is { } failure)
        {
            return Problems.From(failure);
        }

        var view = outcome.Value!;
        context.Response.Headers.ETag = ETags.Of(view.Version);
        return TypedResults.Ok(AccountResponses.Setting(view, tokenOf?.Invoke(view)));
    }

    // An account's facts changed (created, moved, deleted): its revision is what a decision must reflect.
    private string AccountToken(AccountRecord account) =>
        tokens.Issue(SubjectKind.Account, account.UserId, new SubjectVersion(account.Revision, 0));
}
