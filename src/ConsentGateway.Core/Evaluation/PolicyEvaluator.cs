using ConsentGateway.Core.Policy;

namespace ConsentGateway.Core.Evaluation;

/// <summary>
/// Applies the partner-sharing rules (docs/policy.md) to one request and the facts read for
/// its subject. Pure and allocation-free: bit operations over the compiled policy.
/// </summary>
public static class PolicyEvaluator
{
    public static Decision Evaluate(CompiledPolicy policy, in DecisionRequest request, scoped in SubjectFacts subject)
    {
        ArgumentNullException.ThrowIfNull(policy);

        var neverShared = request.Data.Intersect(policy.NeverShared);
        var rest = request.Data.Except(neverShared);
        var reasons = neverShared.IsEmpty ? ReasonSet.Empty : ReasonSet.Of(ReasonCode.NeverSharedData);

        var partner = request.Partner.Partner;
        if (partner is null || !IsProcessorOf(request.Via, partner.Partnership))
        {
            return Deny(policy, partner?.Partnership, rest, ReasonCode.UnknownPartner, neverShared, reasons);
        }

        var partnership = partner.Partnership;
        var outside = rest.Except(partnership.Data);
        var governed = rest.Intersect(partnership.Data);
        if (!outside.IsEmpty)
        {
            reasons = reasons.With(ReasonCode.DataNotInPartnership);
        }

        if (governed.IsEmpty)
        {
            return new Decision(policy, partnership, DataSet.Empty, outside, ReasonCode.DataNotInPartnership, DataSet.Empty, default, neverShared, reasons, null);
        }

        if (partner.Role == PartnerRole.Processor)
        {
            reasons = reasons.With(ReasonCode.ProcessorForCompany);
            return new Decision(policy, partnership, governed, outside, ReasonCode.DataNotInPartnership, DataSet.Empty, default, neverShared, reasons, null);
        }

        var answer = SubjectAnswer.For(policy, partnership, request.Country, subject);
        reasons = reasons.Union(answer.Reasons);
        return answer.Allowed
            ? new Decision(policy, partnership, governed, outside, ReasonCode.DataNotInPartnership, DataSet.Empty, default, neverShared, reasons, answer.ConsentVersion)
            : new Decision(policy, partnership, DataSet.Empty, outside, ReasonCode.DataNotInPartnership, governed, answer.Reasons.First, neverShared, reasons, answer.ConsentVersion);
    }

    /// <summary>
    /// What a controller or advertiser of <paramref name="partnership"/> gets for the subject's
    /// data of that partnership: the part of <see cref="Evaluate"/> that the subject decides, asked
    /// of a partnership as a whole (what the setting does for an account; ADR 11).
    /// </summary>
    public static PartnershipAnswer EvaluatePartnership(CompiledPolicy policy, Partnership partnership, CountryCode requestCountry, scoped in SubjectFacts subject)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(partnership);
        var answer = SubjectAnswer.For(policy, partnership, requestCountry, subject);
        return new PartnershipAnswer(answer.Allowed, answer.Reasons, answer.ConsentVersion);
    }

    // No via, or a via that is a known processor of the recipient's own partnership.
    private static bool IsProcessorOf(PartnerRef via, Partnership partnership) =>
        !via.IsGiven || (via.Partner is { Role: PartnerRole.Processor } processor && processor.Partnership == partnership);

    private static Decision Deny(CompiledPolicy policy, Partnership? partnership, DataSet items, ReasonCode reason, DataSet neverShared, ReasonSet reasons) =>
        new(policy, partnership, DataSet.Empty, items, reason, DataSet.Empty, default, neverShared, items.IsEmpty ? reasons : reasons.With(reason), null);

    /// <summary>The most restrictive answer over every account and device the subject names.</summary>
    private struct SubjectAnswer
    {
        private ReasonSet _allowReasons;
        private ReasonSet _denyReasons;
        private long? _allowVersion;
        private long? _denyVersion;

        public readonly bool Allowed => _denyReasons.IsEmpty;

        public readonly ReasonSet Reasons => Allowed ? _allowReasons : _denyReasons;

        public readonly long? ConsentVersion => Allowed ? _allowVersion : _denyVersion;

        public static SubjectAnswer For(CompiledPolicy policy, Partnership partnership, CountryCode requestCountry, scoped in SubjectFacts subject)
        {
            var answer = default(SubjectAnswer);
            if (subject.User.Status == LookupStatus.NotRequested && subject.Device == LookupStatus.NotRequested)
            {
                // The API refuses such a request; should one get here, nobody is known.
                answer.Add(allow: false, ReasonCode.UnknownAccount);
                return answer;
            }

            if (subject.User.Status != LookupStatus.NotRequested)
            {
                answer.AddAccount(policy, partnership, subject.User);
            }

            switch (subject.Device)
            {
                case LookupStatus.NotFound:
                    answer.Add(allow: false, ReasonCode.UnknownDevice);
                    break;
                case LookupStatus.Unavailable:
                    answer.Add(allow: false, ReasonCode.StoreUnavailable);
                    break;
                case LookupStatus.TooManyLinkedAccounts:
                    answer.Add(allow: false, ReasonCode.TooManyLinkedAccounts);
                    break;
                case LookupStatus.Found when subject.DeviceAccounts.IsEmpty:
                    answer.AddBeforeSignupDevice(policy, partnership, requestCountry);
                    break;
                case LookupStatus.Found:
                    foreach (var account in subject.DeviceAccounts)
                    {
                        answer.AddAccount(policy, partnership, account);
                    }

                    break;
            }

            return answer;
        }

        private void AddAccount(CompiledPolicy policy, Partnership partnership, in AccountLookup account)
        {
            switch (account.Status)
            {
                case LookupStatus.Found:
                    break;
                case LookupStatus.Unavailable:
                    Add(allow: false, ReasonCode.StoreUnavailable);
                    return;
                default:
                    Add(allow: false, ReasonCode.UnknownAccount);
                    return;
            }

            var facts = account.Facts;
            var regions = policy.RegionsOf(facts.Country);
            if (!partnership.SettingScope.Contains(regions))
            {
                Add(allow: true, ReasonCode.SettingNotApplicableInRegion);
            }
            else if (partnership.CutoffScope.Contains(regions) && facts.SignedUpAt < partnership.CutoffBefore)
            {
                Add(allow: false, ReasonCode.EeaUkSignupBeforeCutoff);
            }
            else
            {
                var enabled = facts.Setting ?? policy.DefaultSettingFor(facts.Country);
                Add(enabled, enabled ? ReasonCode.SettingEnabled : ReasonCode.SettingDisabled, facts.SettingVersion);
            }
        }

        private void AddBeforeSignupDevice(CompiledPolicy policy, Partnership partnership, CountryCode requestCountry)
        {
            if (partnership.SettingScope.Everywhere || partnership.SettingScope.Contains(policy.RegionsOf(requestCountry)))
            {
                Add(partnership.BeforeSignupAllowed, ReasonCode.BeforeSignup);
            }
            else if (requestCountry.IsNone)
            {
                Add(allow: false, ReasonCode.LocationUnknown);
            }
            else
            {
                Add(allow: true, ReasonCode.SettingNotApplicableInRegion);
            }
        }

        private void Add(bool allow, ReasonCode reason, long? consentVersion = null)
        {
            if (allow)
            {
                _allowReasons = _allowReasons.With(reason);
                _allowVersion = Max(_allowVersion, consentVersion);
            }
            else
            {
                _denyReasons = _denyReasons.With(reason);
                _denyVersion = Max(_denyVersion, consentVersion);
            }
        }

        private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
    }
}
