using ConsentGateway.Core;

namespace ConsentGateway.Testing;

/// <summary>The pseudonyms of tests that build a publisher or a message id by hand: one fixed key, as every instance of a deployment shares one.</summary>
public static class TestPseudonyms
{
    public const string Key = "a-test-subject-hash-key";

    public static SubjectPseudonyms Shared { get; } = new(Key);
}
