using System.Globalization;
using System.Text.Json;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Impact;

namespace ConsentGateway.Server;

/// <summary>How <c>policy diff</c> prints an <see cref="ImpactReport"/>: a table for people, or JSON for machines (<c>--json</c>).</summary>
internal static class ImpactReportWriter
{
    private static readonly string[] Header = ["change", "subject", "partnership", "partner", "data item", "region", "from", "to", "count", "examples"];

    public static void WriteTable(ImpactReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var flips = report.Rows.Sum(row => row.Count);
        output.WriteLine(Invariant($"Policy {report.CurrentVersion} -> {report.CandidateVersion}: {report.Accounts:N0} accounts and {report.Devices:N0} devices evaluated; {flips:N0} answers would change."));
        if (report.Rows.Count == 0)
        {
            return;
        }

        output.WriteLine();
        List<string[]> lines =
        [
            Header,
            .. report.Rows.Select(row => new[]
            {
                ChangeName(row.Change), KindName(row.Kind), row.Partnership, row.Partner, row.DataItem, row.Region,
                row.FromReason.ToCode(), row.ToReason.ToCode(), Invariant($"{row.Count:N0}"), string.Join(", ", row.Examples),
            }),
        ];
        var widths = Enumerable.Range(0, Header.Length).Select(column => lines.Max(line => line[column].Length)).ToArray();
        foreach (var line in lines)
        {
            // Counts right-aligned, the last column unpadded.
            output.WriteLine(string.Join("  ", line.Select((cell, column) =>
                column == Header.Length - 1 ? cell : column == Header.Length - 2 ? cell.PadLeft(widths[column]) : cell.PadRight(widths[column]))).TrimEnd());
        }
    }

    public static void WriteJson(ImpactReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("currentPolicyVersion", report.CurrentVersion);
        json.WriteString("candidatePolicyVersion", report.CandidateVersion);
        json.WriteNumber("accounts", report.Accounts);
        json.WriteNumber("devices", report.Devices);
        json.WriteNumber("changedAnswers", report.Rows.Sum(row => row.Count));
        json.WriteStartArray("rows");
        foreach (var row in report.Rows)
        {
            json.WriteStartObject();
            json.WriteString("change", ChangeName(row.Change));
            json.WriteString("subject", KindName(row.Kind));
            json.WriteString("partnership", row.Partnership);
            json.WriteString("partner", row.Partner);
            json.WriteString("dataItem", row.DataItem);
            json.WriteString("region", row.Region);
            json.WriteString("fromReason", row.FromReason.ToCode());
            json.WriteString("toReason", row.ToReason.ToCode());
            json.WriteNumber("count", row.Count);
            json.WriteStartArray("examples");
            row.Examples.ToList().ForEach(json.WriteStringValue);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string ChangeName(ImpactChange change) => change switch
    {
        ImpactChange.AllowToDeny => "allow->deny",
        ImpactChange.DenyToAllow => "deny->allow",
        _ => "reason",
    };

    private static string KindName(SubjectKind kind) => kind == SubjectKind.Account ? "account" : "device";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
