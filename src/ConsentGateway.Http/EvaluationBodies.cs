using System.Text;
using System.Text.Json;
using ConsentGateway.Contracts;
using ConsentGateway.Core;
using ConsentGateway.Core.Changes;
using ConsentGateway.Core.Evaluation;
using ConsentGateway.Core.Policy;

namespace ConsentGateway.Http;

/// <summary>
/// Reads <c>/evaluate</c> and <c>/evaluate/batch</c> bodies with a <see cref="Utf8JsonReader"/>
/// straight into questions: data item names are resolved from the bytes without a string each,
/// and nothing is built that is thrown away (a batch is 1,000 of them). As strict as the rest of
/// the API: the shape of <see cref="EvaluateBody"/> and <see cref="BatchBody"/>, property names
/// in any case, no unknown or repeated properties, no trailing content. The whole body is read
/// before any question is validated, so a malformed body is reported as such first.
/// </summary>
public static class EvaluationBodies
{
    /// <summary>The code <see cref="ReadBatch"/> fails with when a batch has more than the maximum of requests (a 413).</summary>
    public const string TooManyCode = ProblemCodes.BatchTooLarge;

    /// <summary>The longest data item name looked up; a longer one is unknown.</summary>
    private const int MaxItemNameLength = 64;

    public static Outcome<BodyQuestion> ReadOne(ReadOnlySpan<byte> json, CompiledPolicy policy, ConsistencyTokens tokens)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(tokens);
        try
        {
            return ReadOneUnchecked(json, policy, tokens);
        }
        catch (InvalidOperationException ex) when (ex.InnerException is DecoderFallbackException or null)
        {
            return NotUtf8();
        }
    }

    public static Outcome<BodyQuestion[]> ReadBatch(ReadOnlySpan<byte> json, CompiledPolicy policy, ConsistencyTokens tokens, int maxRequests)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(tokens);
        try
        {
            return ReadBatchUnchecked(json, policy, tokens, maxRequests);
        }
        catch (InvalidOperationException ex) when (ex.InnerException is DecoderFallbackException or null)
        {
            return NotUtf8();
        }
    }

    private static Outcome<BodyQuestion> ReadOneUnchecked(ReadOnlySpan<byte> json, CompiledPolicy policy, ConsistencyTokens tokens)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || ReadFields(ref reader, policy, At.Root) is not { } fields)
        {
            return NotAnObject("$");
        }

        if (fields.Failure is { } failure)
        {
            return failure;
        }

        ThrowOnTrailingContent(ref reader);
        return fields.Value.ToQuestion(policy, tokens, "The request");
    }

    private static Outcome<BodyQuestion[]> ReadBatchUnchecked(ReadOnlySpan<byte> json, CompiledPolicy policy, ConsistencyTokens tokens, int maxRequests)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return NotAnObject("$");
        }

        List<Fields>? requests = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!NameIs(ref reader, "requests"))
            {
                return UnknownField(ref reader, At.Root);
            }

            if (requests is not null)
            {
                return Repeated("$.requests");
            }

            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                requests = [];
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                return Malformed("$.requests", "an array of requests");
            }

            requests = new List<Fields>(Math.Min(maxRequests, 1024));
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (requests.Count == maxRequests)
                {
                    return Failure.Invalid(TooManyCode, $"A batch holds at most {maxRequests} requests.");
                }

                var at = new At(requests.Count);
                if (reader.TokenType == JsonTokenType.Null)
                {
                    return Failure.Invalid(ProblemCodes.MissingRequest, $"{at} is null.");
                }

                var fields = ReadFields(ref reader, policy, at);
                if (fields is null)
                {
                    return NotAnObject(at.ToString());
                }

                if (fields.Value.Failure is { } failure)
                {
                    return failure;
                }

                requests.Add(fields.Value.Value);
            }
        }

        ThrowOnTrailingContent(ref reader);

        if (requests is null || requests.Count == 0)
        {
            return Failure.Invalid(ProblemCodes.EmptyBatch, "A batch needs at least one request in \"requests\".");
        }

        var questions = new BodyQuestion[requests.Count];
        for (var i = 0; i < questions.Length; i++)
        {
            var question = requests[i].ToQuestion(policy, tokens, $"requests[{i}]");
            if (question.Failure is { } failure)
            {
                return failure;
            }

            questions[i] = question.Value;
        }

        return questions;
    }

    /// <summary>The members of one request object; <c>null</c> when the value is not an object.</summary>
    private static Outcome<Fields>? ReadFields(ref Utf8JsonReader reader, CompiledPolicy policy, At path)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var fields = default(Fields);
        var seen = Member.None;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = MemberOf(ref reader);
            if (member == Member.None)
            {
                return UnknownField(ref reader, path);
            }

            if ((seen & member) != 0)
            {
                return Repeated(path.ToString());
            }

            seen |= member;
            reader.Read();
            var problem = member switch
            {
                Member.Id => ReadString(ref reader, path, out fields.Id),
                Member.Partner => ReadString(ref reader, path, out fields.Partner),
                Member.Via => ReadString(ref reader, path, out fields.Via),
                Member.Country => ReadString(ref reader, path, out fields.Country),
                Member.Subject => ReadSubject(ref reader, path, ref fields),
                Member.Consistency => ReadConsistency(ref reader, path, out fields.Consistency),
                _ => ReadData(ref reader, policy, path, out fields.Data),
            };
            if (problem is not null)
            {
                return problem;
            }
        }

        if ((seen & Member.Data) == 0)
        {
            fields.Data = EvaluationQuestion.MissingData();
        }

        return fields;
    }

    private static Failure? ReadSubject(ref Utf8JsonReader reader, At path, ref Fields fields)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return Malformed(path.Subject.ToString(), "an object with userId and/or deviceAdId");
        }

        var seen = Member.None;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = NameIs(ref reader, "userId") ? Member.UserId : NameIs(ref reader, "deviceAdId") ? Member.DeviceAdId : Member.None;
            if (member == Member.None)
            {
                return UnknownField(ref reader, path.Subject);
            }

            if ((seen & member) != 0)
            {
                return Repeated(path.Subject.ToString());
            }

            seen |= member;
            reader.Read();
            var problem = member == Member.UserId
                ? ReadString(ref reader, path.Subject, out fields.UserId)
                : ReadString(ref reader, path.Subject, out fields.DeviceAdId);
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary><c>"consistency": { "atLeastAsFresh": "&lt;token&gt;" }</c>; null, or no token, asks for nothing more.</summary>
    private static Failure? ReadConsistency(ref Utf8JsonReader reader, At path, out string? token)
    {
        token = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return Malformed(path.Consistency.ToString(), "an object with atLeastAsFresh");
        }

        var seen = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!NameIs(ref reader, "atLeastAsFresh"))
            {
                return UnknownField(ref reader, path.Consistency);
            }

            if (seen)
            {
                return Repeated(path.Consistency.ToString());
            }

            seen = true;
            reader.Read();
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
            {
                return Malformed(path.Consistency.ToString(), "an object whose atLeastAsFresh is a consistency token (a string)");
            }

            token = reader.GetString();
        }

        return null;
    }

    // Names are resolved from the bytes; an unknown one is remembered and the array read to its end.
    private static Failure? ReadData(ref Utf8JsonReader reader, CompiledPolicy policy, At path, out Outcome<DataSet> data)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            data = EvaluationQuestion.MissingData();
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            data = default;
            return Malformed($"{path}.data", "an array of data item names");
        }

        var items = DataSet.Empty;
        var count = 0;
        var allKnown = true;
        Span<char> name = stackalloc char[MaxItemNameLength];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            count++;
            if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length <= MaxItemNameLength)
            {
                var length = reader.CopyString(name);
                if (policy.TryGetDataItem(name[..length], out var item))
                {
                    items = items.Union(DataSet.Of(item));
                    continue;
                }
            }
            else if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
            {
                data = default;
                return Malformed($"{path}.data", "an array of data item names");
            }

            allKnown = false;
        }

        data = count == 0 ? EvaluationQuestion.MissingData() : allKnown ? items : EvaluationQuestion.UnknownData(policy);
        return null;
    }

    private static Failure? ReadString(ref Utf8JsonReader reader, At path, out string? value)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                value = reader.GetString();
                return null;
            case JsonTokenType.Null:
                value = null;
                return null;
            default:
                value = null;
                return Malformed(path.ToString(), "an object whose ids, partner, via and country are strings");
        }
    }

    private static Member MemberOf(ref Utf8JsonReader reader) =>
        NameIs(ref reader, "partner") ? Member.Partner
        : NameIs(ref reader, "subject") ? Member.Subject
        : NameIs(ref reader, "data") ? Member.Data
        : NameIs(ref reader, "id") ? Member.Id
        : NameIs(ref reader, "via") ? Member.Via
        : NameIs(ref reader, "country") ? Member.Country
        : NameIs(ref reader, "consistency") ? Member.Consistency
        : Member.None;

    // Property names match in any case, as everywhere in the API (System.Text.Json's web defaults).
    // The names are ASCII letters, so setting the case bit compares them in any case.
    private static bool NameIs(ref Utf8JsonReader reader, string name)
    {
        if (reader.ValueIsEscaped)
        {
            return reader.GetString()!.Equals(name, StringComparison.OrdinalIgnoreCase);
        }

        var bytes = reader.ValueSpan;
        if (bytes.Length != name.Length)
        {
            return false;
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            if ((bytes[i] | 0x20) != (name[i] | 0x20))
            {
                return false;
            }
        }

        return true;
    }

    // Reading past the closing brace throws (a JsonException) on anything but whitespace.
    private static void ThrowOnTrailingContent(ref Utf8JsonReader reader) => reader.Read();

    // The reader checks structure only; a string's bytes are decoded when it is read, and invalid UTF-8 throws then.
    private static Failure NotUtf8() =>
        Failure.Invalid(ProblemCodes.MalformedJson, "The body is not valid UTF-8 JSON.");

    private static Failure UnknownField(ref Utf8JsonReader reader, At path) =>
        Failure.Invalid(ProblemCodes.UnknownField, $"The body has a property this endpoint does not know, at {path}.{reader.GetString()}.");

    private static Failure Repeated(string path) =>
        Failure.Invalid(ProblemCodes.MalformedJson, $"The body gives a property twice, in {path}.");

    private static Failure NotAnObject(string path) =>
        Failure.Invalid(ProblemCodes.MalformedJson, path == "$" ? "The body must be a JSON object." : $"{path} must be a JSON object.");

    private static Failure Malformed(string path, string expected) =>
        Failure.Invalid(ProblemCodes.MalformedJson, $"The body is not valid JSON for this endpoint: {path} must be {expected}.");

    /// <summary>Where in the body a request is (its index in a batch, the object inside it), formatted only for a failure.</summary>
    private readonly record struct At(int? Index, string? Inside = null)
    {
        public static At Root => default;

        public At Subject => this with { Inside = "subject" };

        public At Consistency => this with { Inside = "consistency" };

        public override string ToString() =>
            (Index is { } index ? $"$.requests[{index}]" : "$") + (Inside is null ? string.Empty : "." + Inside);
    }

    [Flags]
    private enum Member
    {
        None = 0,
        Id = 1,
        Partner = 2,
        Via = 4,
        Subject = 8,
        Data = 16,
        Country = 32,
        UserId = 64,
        DeviceAdId = 128,
        Consistency = 256,
    }

    /// <summary>A request's members as read, before validation.</summary>
    private struct Fields
    {
        public string? Id;
        public string? Partner;
        public string? Via;
        public string? UserId;
        public string? DeviceAdId;
        public string? Country;
        public string? Consistency;
        public Outcome<DataSet> Data;

        public readonly Outcome<BodyQuestion> ToQuestion(CompiledPolicy policy, ConsistencyTokens tokens, string where)
        {
            if (Id is { Length: > EvaluationEndpoints.MaxCallerIdLength })
            {
                return Failure.Invalid(ProblemCodes.InvalidRequestId, $"{where}: \"id\" is at most {EvaluationEndpoints.MaxCallerIdLength} characters.");
            }

            var question = Freshness.Demand(tokens, EvaluationQuestion.Create(policy, Partner, Via, UserId, DeviceAdId, Data, Country), Consistency);
            return question.Failure is { } failure
                ? failure with { Detail = $"{where}: {failure.Detail}" }
                : new BodyQuestion(question.Value, Id);
        }
    }
}
