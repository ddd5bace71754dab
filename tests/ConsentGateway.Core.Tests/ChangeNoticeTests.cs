using System.Security.Cryptography;
using System.Text;
using ConsentGateway.Core.Changes;
using ConsentGateway.Testing;

namespace ConsentGateway.Core.Tests;

public class ChangeNoticeTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_message_id_is_stable_per_change_and_distinct_between_changes()
    {
        string[] ids =
        [
            new ChangeNotice(ChangeKind.Setting, "u1", 7, At, "i").MessageId(TestPseudonyms.Shared),
            new ChangeNotice(ChangeKind.Setting, "u1", 8, At, "i").MessageId(TestPseudonyms.Shared),
            new ChangeNotice(ChangeKind.Setting, "u2", 7, At, "i").MessageId(TestPseudonyms.Shared),
            new ChangeNotice(ChangeKind.Account, "u1", 7, At, "i").MessageId(TestPseudonyms.Shared),
            new ChangeNotice(ChangeKind.Device, "d1", 0, At, "i").MessageId(TestPseudonyms.Shared),
            new ChangeNotice(ChangeKind.Device, "d1", 0, At, "i", "u1").MessageId(TestPseudonyms.Shared),
            new ChangeNotice(ChangeKind.Device, "d1", 0, At, "i", "u2").MessageId(TestPseudonyms.Shared),
        ];
        Assert.Equal(ids.Length, ids.Distinct().Count());

        // The same change published twice (another intent, another time) has the same id.
        Assert.Equal(ids[0], new ChangeNotice(ChangeKind.Setting, "u1", 7, At.AddHours(1), "other").MessageId(TestPseudonyms.Shared));
        Assert.StartsWith("setting-", ids[0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_message_id_holds_no_id_and_fits_service_bus_even_for_the_longest_ids()
    {
        var longest = new string('a', 128);
        var id = new ChangeNotice(ChangeKind.Device, longest, 0, At, "i", longest, At).MessageId(TestPseudonyms.Shared);
        Assert.True(id.Length <= 128, $"{id.Length} characters");
        Assert.DoesNotContain("aaaa", id, StringComparison.Ordinal);
        Assert.DoesNotContain("u1", new ChangeNotice(ChangeKind.Setting, "u1", 1, At, "i").MessageId(TestPseudonyms.Shared), StringComparison.Ordinal);
    }

    [Fact]
    public void The_message_id_is_a_keyed_digest_every_instance_with_the_key_agrees_on()
    {
        var notice = new ChangeNotice(ChangeKind.Setting, "u1", 7, At, "i");

        // Another instance (another SubjectPseudonyms) with the same key: the same id, so duplicate detection works across instances.
        Assert.Equal(notice.MessageId(new SubjectPseudonyms(TestPseudonyms.Key)), notice.MessageId(TestPseudonyms.Shared));
        Assert.NotEqual(notice.MessageId(new SubjectPseudonyms("another-key-of-enough-length")), notice.MessageId(TestPseudonyms.Shared));

        // Not a bare hash of the id: who guesses "u1" cannot confirm it without the key.
        var digest = notice.MessageId(TestPseudonyms.Shared)["setting-".Length..];
        foreach (var guess in (string[])["u1/7", "u1", "setting/u1/7"])
        {
            Assert.NotEqual(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(guess))), digest);
        }

        // Nor the key's decision-log pseudonym of the id: the two uses have keys of their own.
        Assert.DoesNotContain(TestPseudonyms.Shared.Subject("u1")!, digest, StringComparison.Ordinal);
    }

    [Fact]
    public void Ids_holding_a_colon_cannot_make_two_changes_collide() =>
        Assert.NotEqual(
            new ChangeNotice(ChangeKind.Device, "x:link", 0, At, "i").MessageId(TestPseudonyms.Shared),
            new ChangeNotice(ChangeKind.Device, "x", 0, At, "i", "0").MessageId(TestPseudonyms.Shared));

    [Fact]
    public void A_repair_is_not_a_duplicate_of_the_original_but_one_repair_run_is_stable()
    {
        var original = new ChangeNotice(ChangeKind.Setting, "u1", 3, At, "i");
        var repair = original with { RepairedAt = At.AddSeconds(5) };
        Assert.NotEqual(original.MessageId(TestPseudonyms.Shared), repair.MessageId(TestPseudonyms.Shared));
        Assert.Equal(repair.MessageId(TestPseudonyms.Shared), (original with { RepairedAt = At.AddSeconds(5) }).MessageId(TestPseudonyms.Shared));
    }

    [Fact]
    public void A_notice_round_trips_through_its_json_body()
    {
        var notice = new ChangeNotice(ChangeKind.Device, "d1", 0, At, "intents-3/000|abc", "u9", At.AddMinutes(1));
        Assert.Equal(notice, ChangeNotice.TryParse(notice.ToJson()));
        var json = Encoding.UTF8.GetString(notice.ToJson());
        Assert.Contains("\"kind\":\"Device\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("messageId", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("""{"kind":"Setting","key":"","version":1,"acceptedAt":"2026-11-29T12:00:00Z","intentId":"i"}""")]
    [InlineData("""{"kind":"Nope","key":"u1","version":1,"acceptedAt":"2026-11-29T12:00:00Z","intentId":"i"}""")]
    [InlineData("""{"kind":"Setting","key":"u1","version":1,"acceptedAt":"2026-11-29T12:00:00Z"}""")]
    [InlineData("""{"kind":"Setting","key":"u1","version":1,"acceptedAt":"2026-11-29T12:00:00Z","intentId":"i","email":"x"}""")]
    public void A_body_that_is_not_a_notice_does_not_parse(string body) =>
        Assert.Null(ChangeNotice.TryParse(Encoding.UTF8.GetBytes(body)));
}
