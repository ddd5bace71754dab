using ConsentGateway.Core.Propagation;

namespace ConsentGateway.Core.Tests;

public class PropagationOptionsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    public void Workers_out_of_range_fail_at_start_naming_the_setting(int workers)
    {
        var result = new PropagationOptionsValidator().Validate(null, new PropagationOptions { Workers = workers });

        Assert.Contains("Consent:Propagation:Workers", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Workers_default_to_several_per_core_within_bounds()
    {
        Assert.InRange(new PropagationOptions().EffectiveWorkers, 8, 64);
        Assert.Equal(3, new PropagationOptions { Workers = 3 }.EffectiveWorkers);
    }
}
