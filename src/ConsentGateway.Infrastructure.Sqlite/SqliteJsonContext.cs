using System.Text.Json.Serialization;

namespace ConsentGateway.Infrastructure.Sqlite;

/// <summary>The JSON the store hands SQLite: lists of ids for <c>json_each</c>.</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext;
