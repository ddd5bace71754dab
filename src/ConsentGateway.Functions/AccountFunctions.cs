using ConsentGateway.Contracts;
using ConsentGateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ConsentGateway.Functions;

/// <summary>
/// HTTP triggers for apps and the account service: each one hands the request to the shared
/// <see cref="AccountEndpoints"/>. Authorization level is anonymous because every call is
/// authenticated by its bearer JWT in the shared layer (Easy Auth may sit in front; it is not relied on).
/// </summary>
public sealed class AccountFunctions(AccountEndpoints endpoints)
{
    [Function(nameof(PutAccount))]
    public async Task<IActionResult> PutAccount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ApiRoutes.Account)] HttpRequest request, string userId) =>
        new ResultActionResult(await endpoints.PutAccountAsync(request.HttpContext, userId));

    [Function(nameof(DeleteAccount))]
    public async Task<IActionResult> DeleteAccount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ApiRoutes.Account)] HttpRequest request, string userId) =>
        new ResultActionResult(await endpoints.DeleteAccountAsync(request.HttpContext, userId));

    [Function(nameof(GetPartnerSharing))]
    public async Task<IActionResult> GetPartnerSharing(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Setting)] HttpRequest request, string userId) =>
        new ResultActionResult(await endpoints.GetSettingAsync(request.HttpContext, userId));

    [Function(nameof(PutPartnerSharing))]
    public async Task<IActionResult> PutPartnerSharing(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ApiRoutes.Setting)] HttpRequest request, string userId) =>
        new ResultActionResult(await endpoints.PutSettingAsync(request.HttpContext, userId));

    [Function(nameof(GetPartnerSharingHistory))]
    public async Task<IActionResult> GetPartnerSharingHistory(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.History)] HttpRequest request, string userId) =>
        new ResultActionResult(await endpoints.GetHistoryAsync(request.HttpContext, userId));

    [Function(nameof(GetPartnerSharingEffects))]
    public async Task<IActionResult> GetPartnerSharingEffects(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Effects)] HttpRequest request, string userId) =>
        new ResultActionResult(await endpoints.GetEffectsAsync(request.HttpContext, userId));

    [Function(nameof(ExportAccount))]
    public async Task<IActionResult> ExportAccount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Export)] HttpRequest request, string userId) =>
        new ResultActionResult(await endpoints.GetExportAsync(request.HttpContext, userId));

    [Function(nameof(PutDevice))]
    public async Task<IActionResult> PutDevice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ApiRoutes.Device)] HttpRequest request, string adId) =>
        new ResultActionResult(await endpoints.PutDeviceAsync(request.HttpContext, adId));

    [Function(nameof(PutDeviceLink))]
    public async Task<IActionResult> PutDeviceLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ApiRoutes.DeviceLink)] HttpRequest request, string adId, string userId) =>
        new ResultActionResult(await endpoints.PutDeviceLinkAsync(request.HttpContext, adId, userId));
}
