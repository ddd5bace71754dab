using System.Text;
using System.Text.Json.Nodes;
using ConsentGateway.Contracts;
using ConsentGateway.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using static ConsentGateway.Server.OpenApi.WireSchemas;

namespace ConsentGateway.Server.OpenApi;

/// <summary>
/// The schemas of the contract records as the API reads and writes them, over what the generator
/// infers from the C# types: a request member the handler may go without is optional (not
/// "required and nullable"), a response member is nullable only where it is written as null, and
/// ids, countries, instants, versions and codes have their formats, patterns and enums. Request
/// bodies are closed (an unknown member is 400 <c>unknown-field</c>). Every member the generator
/// found must be described here, so a new member of a record cannot go undocumented.
/// </summary>
internal sealed class ContractSchemaTransformer : IOpenApiDocumentTransformer
{
    /// <summary>The component of <see cref="ProblemDetails"/>: every error answer.</summary>
    public const string ProblemSchema = nameof(ProblemDetails);

    private const string PolicyDocumentComponent = "JsonElement";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var schemas = document.Components?.Schemas ?? throw new InvalidOperationException("The document has no schemas to describe.");

        // The policy document is arbitrary JSON: described inline where it is used, not as "JsonElement".
        schemas.Remove(PolicyDocumentComponent);
        foreach (var (name, describe) in Describe(document))
        {
            var described = describe();
            // The problem's members are what Problems writes, not those of the framework's ProblemDetails type.
            if (name != ProblemSchema && schemas.TryGetValue(name, out var generated) && generated.Properties is { } members
                && !members.Keys.Order(StringComparer.Ordinal).SequenceEqual(described.Properties!.Keys.Order(StringComparer.Ordinal)))
            {
                throw new InvalidOperationException($"The schema {name} has the members {string.Join(", ", members.Keys)} but describes {string.Join(", ", described.Properties!.Keys)}: describe every member in {nameof(ContractSchemaTransformer)}.");
            }

            schemas[name] = described;
        }

        return Task.CompletedTask;
    }

    private static Dictionary<string, Func<OpenApiSchema>> Describe(OpenApiDocument document)
    {
        IOpenApiSchema Ref(string name) => new OpenApiSchemaReference(name, document);
        OpenApiSchema noticeVersion(string description) => new()
        {
            Type = JsonSchemaType.String,
            Pattern = NoticeVersions.Pattern,
            MinLength = 1,
            MaxLength = NoticeVersions.MaxLength,
            Description = description + " " + char.ToUpperInvariant(NoticeVersions.Rule[0]) + NoticeVersions.Rule[1..] + ".",
            Examples = ["2020-04-06"],
        };
        var receiptId = Uuid("The change's receipt: a random id given when it was accepted, the same in the history for ever.");
        var consistencyToken = Token("The consistency token of this write: pass it back with an evaluation (`consistency.atLeastAsFresh`, `X-Consent-At-Least-As-Fresh`) for an answer that reflects at least this write.");
        return new(StringComparer.Ordinal)
        {
            [nameof(AccountBody)] = () => Request(
                "The account's facts.",
                ApiExamples.AccountBody,
                new()
                {
                    ["signedUpAt"] = Instant("When the account signed up: ISO 8601 with `Z` or `+00:00`, not before 1970, not in the future."),
                    ["country"] = Country("The account's country."),
                },
                "signedUpAt", "country"),
            [nameof(AccountResponse)] = () => Response(
                "An account as stored, with the consistency token of the write.",
                new()
                {
                    ["userId"] = Id("The account's id.", "alice"),
                    ["country"] = Country("The account's country."),
                    ["signedUpAt"] = Instant("When it signed up (UTC)."),
                    ["revision"] = Integer("The revision of the account's facts: 1 when created, one more for each change.", 1),
                    ["consistencyToken"] = consistencyToken,
                }),
            [nameof(SettingBody)] = () => Request(
                "The new value of the setting.",
                ApiExamples.SettingBody,
                new()
                {
                    ["enabled"] = Boolean("`true` grants partner sharing, `false` withdraws it."),
                    ["noticeVersion"] = noticeVersion("The version of the texts the user saw when making the change (the effects' `noticeVersion`), recorded with it."),
                },
                "enabled"),
            [nameof(SettingResponse)] = () => Response(
                "The partner-sharing setting of an account. The answer of a change carries its consistency token; a read has none.",
                new()
                {
                    ["enabled"] = Boolean("Whether partner sharing is allowed."),
                    ["isDefault"] = Boolean("Nobody has set it yet: `enabled` is the default of the account's region (disabled in the EEA and UK, enabled elsewhere)."),
                    ["version"] = Integer("The setting's version (its ETag): 0 while never set, one more for each accepted change.", 0),
                    ["updatedAt"] = OrNull(Instant("When it was last changed (UTC); null while never set.")),
                    ["consistencyToken"] = consistencyToken,
                    ["receiptId"] = receiptId,
                    ["noticeVersion"] = noticeVersion("The notice version the change gave."),
                },
                optional: ["consistencyToken", "receiptId", "noticeVersion"]),
            [nameof(HistoryEntry)] = () => Response(
                "One accepted change of the setting.",
                new()
                {
                    ["version"] = Integer("The version this change made.", 1),
                    ["enabled"] = OrNull(Boolean("The value set; null for the reset to the default when the account was deleted.")),
                    ["at"] = Instant("When the change was accepted (UTC)."),
                    ["channel"] = OneOf(["user", "service"], "`user` when the user's own token made it, `service` otherwise."),
                    ["policyVersion"] = Text("The policy version in force when it was made.", "2020-04-06"),
                    ["receiptId"] = OrNull(Uuid("The change's receipt, as the change's answer gave it; null for a change accepted before receipts existed.")),
                    ["noticeVersion"] = OrNull(noticeVersion("The version of the texts the user saw, as the change gave it; null when it gave none.")),
                }),
            [nameof(HistoryResponse)] = () => Response(
                "Every accepted change of an account's setting, oldest first: the proof of consent.",
                new()
                {
                    ["userId"] = Id("The account's id.", "alice"),
                    ["changes"] = ArrayOf(Ref(nameof(HistoryEntry)), "The changes, oldest first."),
                }),
            [nameof(EffectsSettingResponse)] = () => Response(
                "The stored setting, and whether decisions already read it.",
                new()
                {
                    ["enabled"] = Boolean("Whether partner sharing is allowed (the stored value, or the region's default)."),
                    ["isDefault"] = Boolean("Nobody has set it yet."),
                    ["version"] = Integer("The setting's version (its ETag).", 0),
                    ["inEffect"] = Boolean("`true` when the projection that decisions read holds this version of the setting or a newer one; `false` while the change is still reaching decisions (\"saved — applying\")."),
                }),
            [nameof(EffectPartnerResponse)] = () => Response(
                "A partner of the partnership.",
                new()
                {
                    ["id"] = Id("The partner's id, as evaluations name it.", "google"),
                    ["name"] = Text("Its name for people, from the policy's texts.", "Google"),
                    ["role"] = OneOf(["controller", "advertiser", "processor"], "`controller` and `advertiser` are third parties governed by the setting; a `processor` acts for the company and is not."),
                    ["privacyPolicyUrl"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri", Description = "The partner's own privacy policy (https), when the policy links one.", Examples = ["https://policies.google.com/privacy"] },
                },
                optional: ["privacyPolicyUrl"]),
            [nameof(EffectDataItemResponse)] = () => Response(
                "A data item of the partnership.",
                new()
                {
                    ["id"] = Text("The data item, as evaluations name it.", "ip_address"),
                    ["label"] = Text("What it is, for people, from the policy's texts.", "IP address"),
                }),
            [nameof(PartnershipEffectResponse)] = () => Response(
                "What decisions answer now for one partnership's data about the account, and why.",
                new()
                {
                    ["id"] = Text("The partnership's id.", "ad-platforms"),
                    ["title"] = Text("Its title for people, from the policy's texts."),
                    ["description"] = Text("Its description for people, from the policy's texts."),
                    ["governedBySetting"] = Boolean("The setting governs the partnership in the account's region (its `settingScope`)."),
                    ["sharing"] = OneOf(EffectValues.Sharing, "Whether its controllers and advertisers may get the partnership's data about the account now, as `/evaluate` answers them."),
                    ["reason"] = OneOf(ReasonCodes.Decision, "The reason code `/evaluate` answers for that data."),
                    ["explanation"] = Text("One or two plain English sentences: what happens to this account's data for this partnership now and why."),
                    ["beforeSignup"] = OneOf(EffectValues.BeforeSignup, "The partnership's rule for a device used before signing up, where the setting governs."),
                    ["partners"] = ArrayOf(Ref(nameof(EffectPartnerResponse)), "Every partner of the partnership."),
                    ["data"] = ArrayOf(Ref(nameof(EffectDataItemResponse)), "The partnership's data items."),
                }),
            [nameof(EffectsResponse)] = () => Response(
                "What the setting does for the account now, one entry per partnership of the policy in force.",
                new()
                {
                    ["userId"] = Id("The account's id.", "alice"),
                    ["policyVersion"] = Text("The policy in force the answer was computed under.", "2020-04-06"),
                    ["noticeVersion"] = noticeVersion("The version of these texts: pass it back as `noticeVersion` when changing the setting."),
                    ["country"] = Country("The account's country."),
                    ["region"] = Text("The policy region that contains the country, or `*` when none does.", "EEA_UK"),
                    ["signedUpAt"] = Instant("When the account signed up (UTC)."),
                    ["setting"] = Ref(nameof(EffectsSettingResponse)),
                    ["partnerships"] = ArrayOf(Ref(nameof(PartnershipEffectResponse)), "The partnerships, in the policy's order."),
                }),
            [nameof(ExportAccountResponse)] = () => Response(
                "The account's facts.",
                new()
                {
                    ["country"] = Country("The account's country."),
                    ["signedUpAt"] = Instant("When it signed up (UTC)."),
                }),
            [nameof(ExportDeviceResponse)] = () => Response(
                "A device linked to the account.",
                new() { ["adId"] = Id("The device's advertising id.", "6D92078A-8246-4BA4-AE5B-76104861E7DC") }),
            [nameof(ExportResponse)] = () => Response(
                "Everything the gateway holds about the account (data subject access).",
                new()
                {
                    ["exportedAt"] = Instant("When the export was read (UTC)."),
                    ["userId"] = Id("The account's id.", "alice"),
                    ["account"] = Ref(nameof(ExportAccountResponse)),
                    ["setting"] = Ref(nameof(SettingResponse)),
                    ["history"] = ArrayOf(Ref(nameof(HistoryEntry)), "Every accepted change of the setting, oldest first, with its receipt."),
                    ["effects"] = Ref(nameof(EffectsResponse)),
                    ["devices"] = ArrayOf(Ref(nameof(ExportDeviceResponse)), "Every device linked to the account, in ordinal order of the advertising ids."),
                }),
            [nameof(DeviceResponse)] = () => Response(
                "A registered device, with the consistency token of the registration.",
                new()
                {
                    ["adId"] = Id("The device's advertising id.", "6D92078A-8246-4BA4-AE5B-76104861E7DC"),
                    ["consistencyToken"] = consistencyToken,
                }),
            [nameof(DeviceLinkResponse)] = () => Response(
                "A device linked to an account, with the consistency token of the link.",
                new()
                {
                    ["adId"] = Id("The device's advertising id.", "6D92078A-8246-4BA4-AE5B-76104861E7DC"),
                    ["userId"] = Id("The account's id.", "alice"),
                    ["consistencyToken"] = consistencyToken,
                }),
            [nameof(SubjectBody)] = () => WithMinProperties(Request(
                "Whom the data is about: a user, a device, or both (the most restrictive answer wins).",
                """{"userId":"alice"}""",
                new()
                {
                    ["userId"] = Id("The user's account id.", "alice"),
                    ["deviceAdId"] = Id("The device's advertising id.", "6D92078A-8246-4BA4-AE5B-76104861E7DC"),
                })),
            [nameof(ConsistencyBody)] = () => Request(
                "How fresh the answer must be.",
                null,
                new() { ["atLeastAsFresh"] = Token("A write's `consistencyToken`: the answer reflects at least that write, or is a deny with `STORE_UNAVAILABLE` when that cannot be had in time.") }),
            [nameof(EvaluateBody)] = () => Request(
                "A question: may these data items about this subject go to this partner?",
                ApiExamples.EvaluateBody,
                new()
                {
                    ["id"] = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = EvaluationEndpoints.MaxCallerIdLength, Description = "The caller's id of the request, echoed in its result (a batch's requests tell their results apart by it).", Examples = ["r1"] },
                    ["partner"] = Id("The partner the data goes to.", "google"),
                    ["via"] = Id("The processor the data goes through, if any.", "appsflyer"),
                    ["subject"] = Ref(nameof(SubjectBody)),
                    ["data"] = ArrayOf(Text("A data item named by the policy in force (GET /api/v1/policy).", "ip_address"), "The data items that would go.", minItems: 1),
                    ["country"] = Country("Where the subject is now, if known."),
                    ["consistency"] = Ref(nameof(ConsistencyBody)),
                },
                "partner", "subject", "data"),
            [nameof(BatchBody)] = () => Request(
                "Up to 1,000 questions, answered in request order.",
                null,
                new() { ["requests"] = ArrayOf(Ref(nameof(EvaluateBody)), "The questions.", minItems: 1, maxItems: EvaluationEndpoints.MaxBatchRequests) },
                "requests"),
            [nameof(DenialResponse)] = () => Response(
                "A data item that may not go, and the reason that decided it.",
                new()
                {
                    ["data"] = Text("The data item.", "email"),
                    ["reason"] = OneOf(ReasonCodes.Decision, "The reason code that denied it."),
                }),
            [nameof(DecisionResponse)] = () => Response(
                "A decision: what may go, what not and why, the versions it was made from, an id for audit and how long it may be reused.",
                new()
                {
                    ["id"] = Text("The request's `id`, when it had one.", "r1"),
                    ["decision"] = OneOf(Decisions.All, "`allow`: every item may go; `partial`: the `allowed` ones may; `deny`: none may."),
                    ["allowed"] = ArrayOf(Text("A data item.", "ip_address"), "The data items that may go."),
                    ["denied"] = ArrayOf(Ref(nameof(DenialResponse)), "The data items that may not go, each with its reason."),
                    ["reasons"] = ArrayOf(OneOf(ReasonCodes.Decision, "A reason code."), "Every reason that contributed."),
                    ["partnership"] = OrNull(Text("The partnership that governs the data; null when none does.", "ad-platforms")),
                    ["policyVersion"] = Text("The version of the policy the decision was made under.", "2020-04-06"),
                    ["consentVersion"] = OrNull(Integer("The version of the setting it read; null when it read none.", 0)),
                    ["decisionId"] = Uuid("The decision's id, as in the decision log."),
                    ["ttlSeconds"] = Integer("How long the caller may reuse this answer, in seconds.", 0, "int32"),
                },
                optional: ["id"]),
            [nameof(BatchResponse)] = () => Response(
                "One result per request, in request order.",
                new() { ["results"] = ArrayOf(Ref(nameof(DecisionResponse)), "The results.") }),
            [nameof(PolicyResponse)] = () => Response(
                "The policy in force.",
                new()
                {
                    ["policyVersion"] = Text("The policy's version.", "2020-04-06"),
                    ["document"] = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "The policy document: partnerships, partners, regions, data items, the never-shared list, the cut-off and the defaults (docs/policy.md)." },
                }),
            [ProblemSchema] = Problem,
        };
    }

    /// <summary>An RFC 9457 problem as the gateway writes every error (<see cref="Problems"/>).</summary>
    private static OpenApiSchema Problem()
    {
        var codes = new StringBuilder("The stable code of the problem; clients branch on it.\n\n| code | status | when |\n|---|---|---|\n");
        foreach (var (code, status, meaning) in ProblemCatalog.Entries)
        {
            codes.Append(System.Globalization.CultureInfo.InvariantCulture, $"| `{code}` | {(status == ProblemCatalog.AnyStatus ? "other" : status)} | {meaning} |\n");
        }

        return Response(
            "An RFC 9457 problem (`application/problem+json`): every error answer of the API.",
            new()
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri", Description = "`urn:consent-gateway:problem:` and the code.", Examples = [ProblemTypes.Of(ProblemCodes.InvalidUserId)] },
                ["title"] = Text("A short summary of the status.", "The request is not valid."),
                ["status"] = Integer("The HTTP status.", 400, "int32"),
                ["detail"] = Text("What exactly is wrong, for people."),
                [ProblemTypes.CodeMember] = OneOf(ProblemCodes.All, codes.ToString()),
                ["traceId"] = Text("The W3C trace context of the request, as in the logs.", "00-fea68917100cb0c8fbfd482e2162e91c-0790ad1821b73481-00"),
            },
            optional: ["detail"]);
    }

    // A body the handler reads strictly: only the listed members are required, and no other is allowed.
    private static OpenApiSchema Request(string description, string? example, Dictionary<string, IOpenApiSchema> properties, params string[] required) => new()
    {
        Type = JsonSchemaType.Object,
        Description = description,
        Properties = properties,
        Required = new HashSet<string>(required, StringComparer.Ordinal),
        AdditionalPropertiesAllowed = false,
        Examples = example is null ? null : [ApiExamples.Parse(example)],
    };

    // An answer: every member is always written, except the optional ones.
    private static OpenApiSchema Response(string description, Dictionary<string, IOpenApiSchema> properties, params string[] optional) => new()
    {
        Type = JsonSchemaType.Object,
        Description = description,
        Properties = properties,
        Required = new HashSet<string>(properties.Keys.Except(optional), StringComparer.Ordinal),
    };

    private static OpenApiSchema WithMinProperties(OpenApiSchema schema)
    {
        schema.MinProperties = 1;
        return schema;
    }
}
