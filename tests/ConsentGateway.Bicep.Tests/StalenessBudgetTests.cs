using System.Globalization;
using System.Text.Json.Nodes;

namespace ConsentGateway.Bicep.Tests;

/// <summary>
/// The Azure staleness budget (docs/propagation.md): a lost notice is published again by the first
/// Repair run after RepairDelay, which comes at most one timer period later, and the decision may
/// then be behind by the decision budget (the gateway's watch of the change log and the proxy's cache); all of it must fit in
/// StalenessBound, with an allowance for the republished notice's own delivery and projection.
/// </summary>
public sealed class StalenessBudgetTests
{
    public const string TemplateDefaults = "the template's defaults";
    public const string ParametersFile = "main.parameters.json";

    /// <summary>The republished notice's Service Bus round trip and projection (well under a second when healthy).</summary>
    private static readonly TimeSpan ProjectionAllowance = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(TemplateDefaults)]
    [InlineData(ParametersFile)]
    public void Repair_delay_plus_the_repair_timer_period_plus_the_cache_ttl_fit_within_the_staleness_bound(string source)
    {
        var parameters = source == ParametersFile
            ? JsonNode.Parse(File.ReadAllText(Path.Combine(Bicep.InfraDirectory, ParametersFile)))!["parameters"]!.AsObject()
            : [];

        var bound = TimeSpan.Parse(Value("Consent__Propagation__StalenessBound", parameters), CultureInfo.InvariantCulture);
        var repairDelay = TimeSpan.Parse(Value("Consent__Propagation__RepairDelay", parameters), CultureInfo.InvariantCulture);
        var period = Ncrontab.Period(Value("RepairSchedule", parameters));
        var cacheTtl = TimeSpan.Parse(Value("Consent__Evaluation__DecisionBudget", parameters), CultureInfo.InvariantCulture);

        var worstCase = repairDelay + period + cacheTtl;
        Assert.True(
            worstCase + ProjectionAllowance <= bound,
            $"With {source}, RepairDelay {repairDelay} + repair period {period} + DecisionBudget {cacheTtl} = {worstCase}, which with {ProjectionAllowance} for the projection itself exceeds StalenessBound {bound}.");
    }

    [Theory]
    [InlineData("*/15 * * * * *", 15)]
    [InlineData("*/30 * * * * *", 30)]
    [InlineData("*/7 * * * * *", 7)]
    [InlineData("0 * * * * *", 60)]
    [InlineData("*/1 * * * * *", 1)]
    public void The_repair_period_is_read_from_the_seconds_field_of_the_schedule(string schedule, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Ncrontab.Period(schedule));
    }

    [Theory]
    [InlineData("0 */5 * * * *")]
    [InlineData("*/15 * * * *")]
    [InlineData("*/0 * * * * *")]
    [InlineData("*/90 * * * * *")]
    [InlineData("0,30 * * * * *")]
    public void A_schedule_whose_period_the_budget_cannot_read_is_refused(string schedule)
    {
        Assert.Throws<FormatException>(() => Ncrontab.Period(schedule));
    }

    // The setting's value: the parameters file's value of the root parameter it comes from, if it
    // gives one, else the template's default.
    private static string Value(string setting, JsonObject parameters)
    {
        var (template, value) = CompiledTemplate.AppSettings()[setting];
        var resolved = template.Resolve(value);
        Assert.True(resolved.RootParameter is not null, $"{setting} does not come from a parameter of main.bicep.");

        var text = parameters[resolved.RootParameter]?["value"]?.GetValue<string>() ?? resolved.Text;
        Assert.False(string.IsNullOrEmpty(text), $"{setting} ({resolved.RootParameter}) has no value.");
        return text;
    }
}

/// <summary>The longest gap between two runs of a six-field NCRONTAB schedule (seconds first) of the forms the budget understands.</summary>
internal static class Ncrontab
{
    /// <summary><c>*/N * * * * *</c> (N from 1 to 59; the gap across a minute is shorter) or <c>S * * * * *</c> (once a minute).</summary>
    public static TimeSpan Period(string schedule)
    {
        var fields = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6 || fields[1..].Any(f => f != "*"))
        {
            throw new FormatException($"'{schedule}': the budget reads only schedules with a seconds field and '*' in the five others.");
        }

        if (fields[0].StartsWith("*/", StringComparison.Ordinal)
            && int.TryParse(fields[0][2..], NumberStyles.None, CultureInfo.InvariantCulture, out var step)
            && step is >= 1 and <= 59)
        {
            return TimeSpan.FromSeconds(step);
        }

        if (int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var second) && second is >= 0 and <= 59)
        {
            return TimeSpan.FromMinutes(1);
        }

        throw new FormatException($"'{schedule}': the seconds field must be */N (N from 1 to 59) or a single second.");
    }
}
