using System.Buffers.Text;
using System.Text;
using ConsentGateway.Contracts;
using ConsentGateway.Core.Changes;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Core.Tests.Changes;

/// <summary>The consistency token codec: what a write hands out, and what a read accepts back (SPEC §4, read-your-writes).</summary>
public sealed class ConsistencyTokensTests
{
    private const string Key = "a-consistency-token-key";
    private static readonly ConsistencyTokens Tokens = Codec(Key);

    [Fact]
    public void A_token_reads_back_as_the_version_of_its_subject_and_demands_nothing_of_another()
    {
        var token = Read(Tokens.Parse(Tokens.Issue(SubjectKind.Account, "u1", new SubjectVersion(3, 7))));

        Assert.Equal(new SubjectVersion(3, 7), token.DemandFor(SubjectKind.Account, "u1"));
        Assert.Null(token.DemandFor(SubjectKind.Account, "u2"));
        Assert.Null(token.DemandFor(SubjectKind.Account, "U1"));
        // The same id as a device is another subject.
        Assert.Null(token.DemandFor(SubjectKind.Device, "u1"));
    }

    [Fact]
    public void Any_version_of_any_subject_round_trips_in_a_short_url_safe_token() =>
        Gen.Select(Gen.OneOf(SubjectKind.Account, SubjectKind.Device), Gen.Long[0, long.MaxValue], Gen.Long[0, long.MaxValue], Gen.String[Gen.Char["a-zA-Z0-9._:-"], 1, 128])
            .Sample((kind, revision, settingVersion, id) =>
            {
                var text = Tokens.Issue(kind, id, new SubjectVersion(revision, settingVersion));
                var token = Tokens.Parse(text);
                return token.Value?.DemandFor(kind, id) == new SubjectVersion(revision, settingVersion)
                    && text.Length <= ConsistencyTokens.MaxLength
                    && text.StartsWith(ConsistencyTokens.Prefix, StringComparison.Ordinal)
                    && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
            });

    [Fact]
    public void A_token_of_small_versions_is_about_50_characters()
    {
        Assert.InRange(Tokens.Issue(SubjectKind.Account, new string('u', 128), new SubjectVersion(12, 40)).Length, 40, 56);
    }

    [Fact]
    public void A_token_holds_no_subject_id_in_any_encoding()
    {
        const string userId = "user-0123456789";
        var text = Tokens.Issue(SubjectKind.Account, userId, new SubjectVersion(1, 0));
        var payload = Payload(text);

        Assert.DoesNotContain(userId, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Base64Url.EncodeToString(Encoding.UTF8.GetBytes(userId))[..12], text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(Encoding.UTF8.GetBytes(userId)), Convert.ToHexString(payload), StringComparison.Ordinal);
        Assert.Equal(-1, payload.AsSpan().IndexOf("0123"u8));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(-1)]
    public void A_token_with_any_byte_changed_is_forged(int index)
    {
        var payload = Payload(Tokens.Issue(SubjectKind.Account, "u1", new SubjectVersion(5, 9)));
        // Byte 1 and 2 are the versions (5 to 4, 9 to 8: the layout stays), 10 is in the subject tag, the last in the MAC.
        payload[index < 0 ? payload.Length + index : index] ^= 1;

        Assert.Equal(ProblemCodes.ForgedConsistencyToken, Tokens.Parse(ConsistencyTokens.Prefix + Base64Url.EncodeToString(payload)).Failure?.Code);
    }

    [Fact]
    public void Every_truncation_of_a_token_is_malformed_not_forged()
    {
        var text = Tokens.Issue(SubjectKind.Device, "d1", SubjectVersion.OfDevice(3));

        for (var length = 0; length < text.Length; length++)
        {
            Assert.Equal(ProblemCodes.MalformedConsistencyToken, Tokens.Parse(text[..length]).Failure?.Code);
        }
    }

    [Theory]
    [InlineData("ct2.")]
    [InlineData("CT1.")]
    [InlineData("ct1")]
    [InlineData("")]
    public void A_token_under_another_prefix_is_malformed(string prefix)
    {
        var text = Tokens.Issue(SubjectKind.Account, "u1", new SubjectVersion(1, 0));

        Assert.Equal(ProblemCodes.MalformedConsistencyToken, Tokens.Parse(prefix + text[ConsistencyTokens.Prefix.Length..]).Failure?.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ct1.")]
    [InlineData("ct1.!!!!")]
    [InlineData("ct1.AAAA")]
    public void Text_that_is_no_token_is_malformed(string? text)
    {
        Assert.Equal(ProblemCodes.MalformedConsistencyToken, Tokens.Parse(text).Failure?.Code);
    }

    [Theory]
    [InlineData("=")]
    [InlineData(" ")]
    [InlineData("AAAA")]
    public void A_token_with_anything_added_is_malformed(string suffix)
    {
        var text = Tokens.Issue(SubjectKind.Account, "u1", new SubjectVersion(1, 0));

        Assert.Equal(ProblemCodes.MalformedConsistencyToken, Tokens.Parse(text + suffix).Failure?.Code);
        Assert.Equal(ProblemCodes.MalformedConsistencyToken, Tokens.Parse(text + new string('A', ConsistencyTokens.MaxLength)).Failure?.Code);
    }

    [Fact]
    public void A_token_of_another_key_is_forged_and_so_is_one_of_another_process_without_a_key()
    {
        var text = Tokens.Issue(SubjectKind.Account, "u1", new SubjectVersion(1, 0));

        Assert.Equal(ProblemCodes.ForgedConsistencyToken, Codec("another-key-of-enough-length").Parse(text).Failure?.Code);
        Assert.Equal(ProblemCodes.ForgedConsistencyToken, Codec(null).Parse(Codec(null).Issue(SubjectKind.Account, "u1", new SubjectVersion(1, 0))).Failure?.Code);
        Assert.Equal(new SubjectVersion(1, 0), Read(Codec(Key).Parse(text)).DemandFor(SubjectKind.Account, "u1"));
    }

    [Fact]
    public void While_rotating_tokens_of_the_previous_key_are_read_and_new_ones_use_the_new_key()
    {
        var old = Tokens.Issue(SubjectKind.Account, "u1", new SubjectVersion(2, 4));
        var rotating = Codec("the-new-key-of-enough-length", previousKey: Key);

        Assert.Equal(new SubjectVersion(2, 4), Read(rotating.Parse(old)).DemandFor(SubjectKind.Account, "u1"));
        Assert.Null(Read(rotating.Parse(old)).DemandFor(SubjectKind.Account, "u2"));
        Assert.Equal(ProblemCodes.ForgedConsistencyToken, Tokens.Parse(rotating.Issue(SubjectKind.Account, "u1", new SubjectVersion(2, 5))).Failure?.Code);
        Assert.Equal(ProblemCodes.ForgedConsistencyToken, Codec("the-new-key-of-enough-length").Parse(old).Failure?.Code);
    }

    [Fact]
    public void A_failure_says_what_is_wrong_without_echoing_the_token()
    {
        var forged = Tokens.Parse(Codec("another-key-of-enough-length").Issue(SubjectKind.Account, "u1", new SubjectVersion(1, 0))).Failure!;
        var malformed = Tokens.Parse("ct1.not-a-token").Failure!;

        Assert.Equal((FailureKind.Invalid, FailureKind.Invalid), (forged.Kind, malformed.Kind));
        Assert.Contains("Consent:ConsistencyTokens:Key", forged.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-token", malformed.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short", null, "Consent:ConsistencyTokens:Key must be at least 16 characters.")]
    [InlineData("a-key-of-enough-length", "short", "Consent:ConsistencyTokens:PreviousKey must be at least 16 characters.")]
    [InlineData(null, "a-key-of-enough-length", "Consent:ConsistencyTokens:PreviousKey is only read while rotating")]
    public void Bad_keys_fail_at_start_naming_the_setting(string? key, string? previousKey, string message)
    {
        var result = new ConsistencyTokenOptionsValidator().Validate(null, new ConsistencyTokenOptions { Key = key, PreviousKey = previousKey });

        Assert.StartsWith(message, Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("a-key-of-enough-length", null)]
    [InlineData("a-key-of-enough-length", "the-key-before-it-was-rotated")]
    public void No_key_one_key_or_a_key_and_its_predecessor_are_valid(string? key, string? previousKey)
    {
        Assert.True(new ConsistencyTokenOptionsValidator().Validate(null, new ConsistencyTokenOptions { Key = key, PreviousKey = previousKey }).Succeeded);
    }

    private static ConsistencyTokens Codec(string? key, string? previousKey = null) =>
        new(Options.Create(new ConsistencyTokenOptions { Key = key, PreviousKey = previousKey }), NullLogger<ConsistencyTokens>.Instance);

    private static ConsistencyToken Read(Outcome<ConsistencyToken> parsed)
    {
        Assert.Null(parsed.Failure);
        return parsed.Value!;
    }

    private static byte[] Payload(string token) => Base64Url.DecodeFromChars(token.AsSpan(ConsistencyTokens.Prefix.Length));
}
