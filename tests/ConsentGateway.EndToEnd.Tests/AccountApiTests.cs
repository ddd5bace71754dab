using System.Net;
using System.Net.Http.Json;
using ConsentGateway.Contracts;
using static ConsentGateway.EndToEnd.Tests.GatewayServer;

namespace ConsentGateway.EndToEnd.Tests;

public class AccountApiTests(GatewayServer server) : IClassFixture<GatewayServer>
{
    [Fact]
    public async Task Registering_an_account_creates_it_once_and_updates_it_on_a_move()
    {
        var userId = "u-" + Guid.NewGuid().ToString("N");
        using var client = server.AccountService();

        using var created = await client.PutAsync($"/api/v1/accounts/{userId}", Json("""{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains("\"signedUpAt\":\"2021-03-01T00:00:00Z\"", await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var account = await created.Content.ReadFromJsonAsync<AccountResponse>();
        Assert.Equal((userId, "DE", new DateTime(2021, 3, 1, 0, 0, 0, DateTimeKind.Utc), 1L), (account!.UserId, account.Country, account.SignedUpAt, account.Revision));

        using var same = await client.PutAsync($"/api/v1/accounts/{userId}", Json("""{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"}"""));
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(1, (await same.Content.ReadFromJsonAsync<AccountResponse>())!.Revision);

        using var moved = await client.PutAsync($"/api/v1/accounts/{userId}", Json("""{"country":"US","signedUpAt":"2021-03-01T00:00:00Z"}"""));
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var movedAccount = (await moved.Content.ReadFromJsonAsync<AccountResponse>())!;
        Assert.Equal(("US", 2L), (movedAccount.Country, movedAccount.Revision));
    }

    [Theory]
    [InlineData("DE", false)]
    [InlineData("NO", false)]
    [InlineData("US", true)]
    public async Task A_new_account_has_the_default_of_its_region_at_version_0(string country, bool expected)
    {
        var userId = await server.CreateAccountAsync(country);
        using var client = server.User(userId);

        using var response = await client.GetAsync($"/api/v1/accounts/{userId}/partner-sharing");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"0\"", response.Headers.ETag!.Tag);
        Assert.Equal(new SettingResponse(expected, true, 0, null), await response.Content.ReadFromJsonAsync<SettingResponse>());
    }

    [Fact]
    public async Task Granting_and_withdrawing_are_the_same_call_and_each_is_a_new_version_in_the_history()
    {
        var userId = await server.CreateAccountAsync("FR");
        using var user = server.User(userId);

        using var granted = await user.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", Json("""{"enabled":true}"""));
        using var withdrawn = await user.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", Json("""{"enabled":false}"""));

        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        var state = await withdrawn.Content.ReadFromJsonAsync<SettingResponse>();
        Assert.Equal((false, false, 2L), (state!.Enabled, state.IsDefault, state.Version));
        Assert.NotNull(state.UpdatedAt);
        Assert.Equal("\"2\"", withdrawn.Headers.ETag!.Tag);

        var history = await server.HistoryAsync(userId);
        Assert.Equal([(1L, (bool?)true, "user"), (2L, false, "user")], history.Changes.Select(c => (c.Version, c.Enabled, c.Channel)));
        Assert.All(history.Changes, c => Assert.Equal("2020-04-06", c.PolicyVersion));
        Assert.True(history.Changes[0].At <= history.Changes[1].At);
    }

    [Fact]
    public async Task A_change_by_the_account_service_is_recorded_as_the_service_channel()
    {
        var userId = await server.CreateAccountAsync();
        using var service = server.AccountService();

        using var response = await service.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", Json("""{"enabled":true}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("service", Assert.Single((await server.HistoryAsync(userId)).Changes).Channel);
    }

    [Fact]
    public async Task If_match_with_the_current_version_applies_and_a_stale_one_is_412_and_writes_nothing()
    {
        var userId = await server.CreateAccountAsync();
        using var user = server.User(userId);
        using var first = await user.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", Json("""{"enabled":true}"""));

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/accounts/{userId}/partner-sharing") { Content = Json("""{"enabled":false}""") };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"0\"");
        using var staleResponse = await user.SendAsync(stale);
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleResponse.StatusCode);
        Assert.Equal("application/problem+json", staleResponse.Content.Headers.ContentType!.MediaType);
        Assert.Single((await server.HistoryAsync(userId)).Changes);

        using var current = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/accounts/{userId}/partner-sharing") { Content = Json("""{"enabled":false}""") };
        current.Headers.TryAddWithoutValidation("If-Match", first.Headers.ETag!.Tag);
        using var currentResponse = await user.SendAsync(current);
        Assert.Equal(HttpStatusCode.OK, currentResponse.StatusCode);
        Assert.Equal(2, (await currentResponse.Content.ReadFromJsonAsync<SettingResponse>())!.Version);

        using var any = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/accounts/{userId}/partner-sharing") { Content = Json("""{"enabled":true}""") };
        any.Headers.TryAddWithoutValidation("If-Match", "*");
        using var anyResponse = await user.SendAsync(any);
        Assert.Equal(HttpStatusCode.OK, anyResponse.StatusCode);
    }

    [Fact]
    public async Task A_deleted_account_is_gone_its_setting_reset_and_its_history_kept_as_proof()
    {
        var userId = await server.CreateAccountAsync("US");
        using var service = server.AccountService();
        using var disabled = await service.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", Json("""{"enabled":false}"""));

        using var deleted = await service.DeleteAsync($"/api/v1/accounts/{userId}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using var read = await service.GetAsync($"/api/v1/accounts/{userId}/partner-sharing");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        using var again = await service.DeleteAsync($"/api/v1/accounts/{userId}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using var change = await service.PutAsync($"/api/v1/accounts/{userId}/partner-sharing", Json("""{"enabled":true}"""));
        Assert.Equal(HttpStatusCode.NotFound, change.StatusCode);

        var history = await server.HistoryAsync(userId);
        Assert.Equal([(1L, (bool?)false), (2L, null)], history.Changes.Select(c => (c.Version, c.Enabled)));

        // Registered again: a fresh default, and versions keep counting up.
        await server.CreateAccountAsync("US", userId: userId);
        var fresh = await service.GetFromJsonAsync<SettingResponse>($"/api/v1/accounts/{userId}/partner-sharing");
        Assert.Equal(new SettingResponse(true, true, 2, null), fresh);
    }

    [Fact]
    public async Task Unknown_accounts_are_404_problems()
    {
        using var service = server.AccountService();
        foreach (var path in (string[])["/api/v1/accounts/nobody/partner-sharing", "/api/v1/accounts/nobody/partner-sharing/history"])
        {
            using var response = await service.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>();
            Assert.Equal("account-not-found", problem!.Code);
            Assert.Equal(ProblemTypes.Prefix + "account-not-found", problem.Type);
        }
    }

    [Fact]
    public async Task Devices_register_and_link_idempotently()
    {
        var userId = await server.CreateAccountAsync();
        var adId = Guid.NewGuid().ToString();
        using var service = server.AccountService();

        using var registered = await service.PutAsync($"/api/v1/devices/{adId}", null);
        using var again = await service.PutAsync($"/api/v1/devices/{adId}", null);
        using var linked = await service.PutAsync($"/api/v1/devices/{adId}/accounts/{userId}", null);
        using var linkedAgain = await service.PutAsync($"/api/v1/devices/{adId}/accounts/{userId}", null);

        Assert.Equal(
            [HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.OK],
            [registered.StatusCode, again.StatusCode, linked.StatusCode, linkedAgain.StatusCode]);
        var link = await linked.Content.ReadFromJsonAsync<DeviceLinkResponse>();
        Assert.Equal((adId, userId), (link!.AdId, link.UserId));
    }

    [Fact]
    public async Task Linking_registers_an_unseen_device_but_needs_an_existing_account()
    {
        var userId = await server.CreateAccountAsync();
        using var user = server.User(userId);

        using var linked = await user.PutAsync($"/api/v1/devices/{Guid.NewGuid()}/accounts/{userId}", null);
        Assert.Equal(HttpStatusCode.Created, linked.StatusCode);

        using var service = server.AccountService();
        using var unknown = await service.PutAsync($"/api/v1/devices/{Guid.NewGuid()}/accounts/nobody", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}

public sealed record ProblemBody(string Type, string Title, int Status, string? Detail, string Code);
