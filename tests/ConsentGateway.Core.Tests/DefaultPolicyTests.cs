using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Tests;

public class DefaultPolicyTests
{
    private static readonly CompiledPolicy Policy = PolicyLoader.LoadDefault();

    // Written out here, independently of the shipped JSON, from SPEC §2.
    private static readonly string[] EuMemberStates =
    [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    ];

    private static readonly string[] EftaStates = ["IS", "LI", "NO", "CH"];

    // Outermost regions of France and the Åland Islands: part of a member state, own ISO code.
    private static readonly string[] EuTerritoriesWithOwnCode = ["GF", "GP", "MQ", "RE", "YT", "MF", "AX"];

    private static readonly string[] NotEeaUk =
    [
        "GI", "IM", "JE", "GG", "FO", "GL", "SJ", "AD", "MC", "SM", "VA", "BL", "PM", "NC", "PF", "WF", "TF",
        "AW", "CW", "SX", "BQ", "TR", "RS", "UA", "AL", "BA", "ME", "MK", "MD", "BY", "RU", "US", "CA",
    ];

    private static readonly string[] ReservedOrMalformed = ["UK", "EU", "IC", "EA", "EL", "XK", "de", "D", "DEU", ""];

    [Fact]
    public void Eea_uk_is_exactly_the_eu_the_efta_states_the_uk_and_eu_territories_with_their_own_code()
    {
        string[] expected = [.. EuMemberStates, .. EftaStates, "GB", .. EuTerritoriesWithOwnCode];
        Assert.Equal(expected.Order(), Policy.Document.Regions!["EEA_UK"].Order());
    }

    [Fact]
    public void Near_neighbours_outside_the_eu_efta_and_uk_are_not_in_eea_uk()
    {
        var eeaUk = Policy.Document.Regions!["EEA_UK"];
        Assert.All(NotEeaUk, code => Assert.DoesNotContain(code, eeaUk));
        Assert.All(NotEeaUk, code => Assert.True(CountryCode.TryParse(code, out _), code));
    }

    [Fact]
    public void Reserved_codes_that_are_not_assigned_are_not_countries()
    {
        Assert.All(ReservedOrMalformed, code => Assert.False(CountryCode.TryParse(code, out _), code));
        Assert.Equal(249, CountryCode.All.Count);
    }

    [Fact]
    public void Default_document_carries_the_seed_policy()
    {
        var document = Policy.Document;
        Assert.Equal("2020-04-06", Policy.Version);
        Assert.Equal(["name", "email", "phone", "username"], document.NeverShared!);
        Assert.False(document.Defaults!["EEA_UK"]);
        Assert.True(document.Defaults["*"]);

        var adPlatforms = Assert.Single(document.Partnerships!, p => p.Id == "ad-platforms");
        Assert.Equal("*", adPlatforms.SettingScope);
        Assert.Equal(["ip_address", "mobile_ad_id"], adPlatforms.Data!);
        Assert.Equal("allow", adPlatforms.BeforeSignup);
        Assert.Equal("EEA_UK", adPlatforms.SignupCutoff!.Region);
        Assert.Equal(new DateTimeOffset(2020, 4, 6, 0, 0, 0, TimeSpan.Zero), Policy.Partnerships[0].CutoffBefore);

        var measurement = Assert.Single(document.Partnerships!, p => p.Id == "app-campaign-measurement");
        Assert.Equal("EEA_UK", measurement.SettingScope);
        Assert.Equal(["ad_interactions", "mobile_ad_id", "browser_id"], measurement.Data!);
        Assert.Equal("deny", measurement.BeforeSignup);
        Assert.Null(measurement.SignupCutoff);

        Assert.Equal(["google", "facebook"], document.Partners!.Select(p => p.Id!));
        Assert.All(document.Partners!, p => Assert.Equal(("ad-platforms", "controller"), (p.Partnership, p.Role)));
    }

    [Theory]
    [InlineData("DE", false)]
    [InlineData("GB", false)]
    [InlineData("CH", false)]
    [InlineData("RE", false)]
    [InlineData("US", true)]
    [InlineData("GI", true)]
    [InlineData("JP", true)]
    public void Default_setting_is_opt_in_in_eea_uk_and_enabled_elsewhere(string country, bool expected) =>
        Assert.Equal(expected, Policy.DefaultSettingFor(CountryCode.Parse(country)));

    [Fact]
    public void Default_document_round_trips_through_json()
    {
        var json = PolicyLoader.Serialize(Policy.Document);
        var reparsed = PolicyLoader.Parse(json);
        Assert.Equal(json, PolicyLoader.Serialize(reparsed));
        Assert.Equal(Policy.DataItems, CompiledPolicy.Compile(reparsed).DataItems);
    }
}
