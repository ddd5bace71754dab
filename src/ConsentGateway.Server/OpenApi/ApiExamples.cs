using System.Text.Json.Nodes;

namespace ConsentGateway.Server.OpenApi;

/// <summary>
/// The examples of the document: README's quick start, as the gateway answered it (the request
/// bodies are README's own, which a test checks; answers were recorded from a run of it).
/// </summary>
internal static class ApiExamples
{
    public const string AccountBody = """{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"}""";
    public const string SettingBody = """{"enabled":true}""";
    public const string EvaluateBody = """{"partner":"google","subject":{"userId":"alice"},"data":["ip_address","email"]}""";

    // After README's change, with the device of PutDeviceLink linked.
    private const string Effects = """{"userId":"alice","policyVersion":"2020-04-06","noticeVersion":"2020-04-06","country":"DE","region":"EEA_UK","signedUpAt":"2021-03-01T00:00:00Z","setting":{"enabled":true,"isDefault":false,"version":1,"inEffect":true},"partnerships":[{"id":"ad-platforms","title":"Advertising platforms we market ourselves on","description":"We share the IP address and the mobile advertising identifier of devices that open or log in to our mobile apps with Google and Facebook, who use them as data controllers. A device with no account yet shares until an account exists; from then on your setting decides. Accounts in the EEA or the UK that signed up before 6 April 2020 never share under this partnership, even with the setting on.","governedBySetting":true,"sharing":"allowed","reason":"SETTING_ENABLED","explanation":"Your setting is on, so IP address and mobile device advertising identifier may be shared with Google and Facebook. A device used before you had an account shares IP address and mobile device advertising identifier under this partnership until it is linked to your account; from then on your setting decides.","beforeSignup":"allow","partners":[{"id":"google","name":"Google","role":"controller","privacyPolicyUrl":"https://policies.google.com/privacy"},{"id":"facebook","name":"Facebook","role":"controller","privacyPolicyUrl":"https://www.facebook.com/privacy/policy/"}],"data":[{"id":"ip_address","label":"IP address"},{"id":"mobile_ad_id","label":"Mobile device advertising identifier"}]},{"id":"app-campaign-measurement","title":"Mobile app ad campaign information for advertisers","description":"We share which ads your device or browser saw, watched or otherwise interacted with, together with the device or browser identifier, with advertisers that run mobile app campaigns, directly or through data processor partners. In the EEA and the UK this needs your setting on; elsewhere the setting does not apply to it. A data processor acting on our behalf is not a third party and is not governed by the setting.","governedBySetting":true,"sharing":"allowed","reason":"SETTING_ENABLED","explanation":"Your setting is on, so which ads your device or browser saw, watched or interacted with, mobile device advertising identifier and browser identifier may be shared with the partners of this partnership. A device used before you had an account shares nothing under this partnership.","beforeSignup":"deny","partners":[],"data":[{"id":"ad_interactions","label":"Which ads your device or browser saw, watched or interacted with"},{"id":"mobile_ad_id","label":"Mobile device advertising identifier"},{"id":"browser_id","label":"Browser identifier"}]}]}""";

    private const string HistoryEntry = """{"version":1,"enabled":true,"at":"2026-12-01T16:05:51.2415699Z","channel":"user","policyVersion":"2020-04-06","receiptId":"48a7c5ab-b78e-4afa-87c8-d0738a247fa0","noticeVersion":null}""";

    private const string Decision = """{"decision":"partial","allowed":["ip_address"],"denied":[{"data":"email","reason":"NEVER_SHARED_DATA"}],"reasons":["NEVER_SHARED_DATA","SETTING_ENABLED"],"partnership":"ad-platforms","policyVersion":"2020-04-06","consentVersion":1,"decisionId":"01a2325a-f919-7bd3-bf45-bc6d1de6a77e","ttlSeconds":1}""";

    /// <summary>By operation id: the request body's example and the answers' by status.</summary>
    public static IReadOnlyDictionary<string, (string? Request, IReadOnlyDictionary<string, string> Responses)> ByOperation { get; } =
        new Dictionary<string, (string?, IReadOnlyDictionary<string, string>)>(StringComparer.Ordinal)
        {
            ["PutAccount"] = (AccountBody, new Dictionary<string, string>
            {
                ["201"] = """{"userId":"alice","country":"DE","signedUpAt":"2021-03-01T00:00:00Z","revision":1,"consistencyToken":"ct1.AAEAw_K08Np5uDGhdaCOD2-3q4XFPdAYK7khgAmFph9ngzw"}""",
            }),
            ["GetPartnerSharing"] = (null, new Dictionary<string, string>
            {
                ["200"] = """{"enabled":false,"isDefault":true,"version":0,"updatedAt":null}""",
            }),
            ["PutPartnerSharing"] = (SettingBody, new Dictionary<string, string>
            {
                ["200"] = """{"enabled":true,"isDefault":false,"version":1,"updatedAt":"2026-12-01T16:05:51.2415699Z","consistencyToken":"ct1.AAABw_K08Np5uDGhdaCOD2-3q_01ZFzyxBlisZVoO33ONI8","receiptId":"48a7c5ab-b78e-4afa-87c8-d0738a247fa0"}""",
                ["412"] = """{"type":"urn:consent-gateway:problem:version-mismatch","title":"The precondition failed.","status":412,"detail":"The setting is no longer at the version given in If-Match; it is at version 1 or later. Read it again.","code":"version-mismatch","traceId":"00-6f21c50f702248650e56adde568742a3-80a94f68a63647e5-00"}""",
            }),
            ["GetPartnerSharingHistory"] = (null, new Dictionary<string, string>
            {
                ["200"] = """{"userId":"alice","changes":[""" + HistoryEntry + "]}",
            }),
            ["GetPartnerSharingEffects"] = (null, new Dictionary<string, string>
            {
                ["200"] = Effects,
            }),
            ["ExportAccount"] = (null, new Dictionary<string, string>
            {
                ["200"] = """{"exportedAt":"2026-12-01T16:05:53.2506078Z","userId":"alice","account":{"country":"DE","signedUpAt":"2021-03-01T00:00:00Z"},"setting":{"enabled":true,"isDefault":false,"version":1,"updatedAt":"2026-12-01T16:05:51.2415699Z"},"history":[""" + HistoryEntry + """],"effects":""" + Effects + ""","devices":[{"adId":"6D92078A-8246-4BA4-AE5B-76104861E7DC"}]}""",
            }),
            ["PutDevice"] = (null, new Dictionary<string, string>
            {
                ["201"] = """{"adId":"6D92078A-8246-4BA4-AE5B-76104861E7DC","consistencyToken":"ct1.AQEAROIjBSYoSFSS9cTfgk6-MwKxBCuakYpAB6JSHfTaG9Y"}""",
            }),
            ["PutDeviceLink"] = (null, new Dictionary<string, string>
            {
                ["201"] = """{"adId":"6D92078A-8246-4BA4-AE5B-76104861E7DC","userId":"alice","consistencyToken":"ct1.AQIAROIjBSYoSFSS9cTfgk6-MxIlOxw1SWWymaQXzVBdtZU"}""",
            }),
            ["DeleteAccount"] = (null, new Dictionary<string, string>
            {
                ["404"] = """{"type":"urn:consent-gateway:problem:account-not-found","title":"Not found.","status":404,"detail":"No account with this id exists.","code":"account-not-found","traceId":"00-8673c28763f447ba48764913d56e1511-7ba9b2ad6e5f204c-00"}""",
            }),
            ["Evaluate"] = (EvaluateBody, new Dictionary<string, string>
            {
                ["200"] = Decision,
                ["401"] = """{"type":"urn:consent-gateway:problem:proxy-unauthorized","title":"Authentication is required.","status":401,"detail":"A valid X-Consent-Key of a configured egress proxy is required.","code":"proxy-unauthorized","traceId":"00-35163692cf88ca5fd3dc0bb950c46f86-57304a7df9e6395b-00"}""",
            }),
            ["EvaluateBatch"] = ("""{"requests":[{"id":"r1","partner":"google","subject":{"userId":"alice"},"data":["ip_address"]},{"id":"r2","partner":"facebook","subject":{"deviceAdId":"6D92078A-8246-4BA4-AE5B-76104861E7DC"},"data":["mobile_ad_id"],"country":"US"}]}""", new Dictionary<string, string>
            {
                ["200"] = """{"results":[{"id":"r1","decision":"allow","allowed":["ip_address"],"denied":[],"reasons":["SETTING_ENABLED"],"partnership":"ad-platforms","policyVersion":"2020-04-06","consentVersion":1,"decisionId":"01a2325b-0bba-7bd3-bf45-bc6d1de6a780","ttlSeconds":1},{"id":"r2","decision":"allow","allowed":["mobile_ad_id"],"denied":[],"reasons":["SETTING_ENABLED"],"partnership":"ad-platforms","policyVersion":"2020-04-06","consentVersion":1,"decisionId":"01a2325b-0bbb-7bd3-bf45-bc6d1de6a781","ttlSeconds":1}]}""",
                ["413"] = """{"type":"urn:consent-gateway:problem:batch-too-large","title":"The request body is too large.","status":413,"detail":"A batch holds at most 1000 requests.","code":"batch-too-large","traceId":"00-0b72cc0998233d7cf00e9bd0167bedbb-dddf4b8229219abc-00"}""",
            }),
        };

    public static JsonNode Parse(string json) => JsonNode.Parse(json)!;
}
