using System.Runtime.CompilerServices;
using ConsentGateway.Core.Policy;
using Microsoft.Data.Sqlite;

namespace ConsentGateway.Infrastructure.Sqlite;

/// <summary>Parameterised statements (never values spliced into SQL) and the column conversions the stores share.</summary>
internal static class SqliteCommands
{
    // Per connection, one command per statement text, kept prepared: preparing a statement
    // costs about as much as running a point read. The database's connections live as long as
    // it does and serve one caller at a time, so their commands are never shared.
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Prepared = new();

    /// <summary>The connection's command for <paramref name="sql"/>, bound to these parameters. It stays the connection's: never dispose it.</summary>
    public static SqliteCommand Command(this SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var commands = Prepared.GetOrCreateValue(connection);
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            commands.Add(sql, command);
        }

        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    /// <summary>Runs the statement; returns the rows it changed.</summary>
    public static int Execute(this SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) =>
        connection.Command(sql, parameters).ExecuteNonQuery();

    /// <summary>The ids a one-column query returns, in ordinal order as every store returns them (SQLite's BINARY order is by UTF-8 bytes, not UTF-16 code units).</summary>
    public static List<string> ReadOrdinalIds(this SqliteCommand command)
    {
        var ids = new List<string>();
        using (var rows = command.ExecuteReader())
        {
            while (rows.Read())
            {
                ids.Add(rows.GetString(0));
            }
        }

        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    /// <summary>An instant as stored: UTC ticks, so it round-trips to the tick.</summary>
    public static long Ticks(DateTimeOffset instant) => instant.UtcTicks;

    public static DateTimeOffset Instant(this SqliteDataReader reader, int ordinal) => new(reader.GetInt64(ordinal), TimeSpan.Zero);

    public static bool? NullableBoolean(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetBoolean(ordinal);

    /// <summary>A stored country: the empty string is "none" (<c>default</c>); anything else must be an assigned code.</summary>
    public static CountryCode Country(this SqliteDataReader reader, int ordinal, string table)
    {
        var stored = reader.GetString(ordinal);
        return stored.Length == 0 ? default
            : CountryCode.TryParse(stored, out var code) ? code
            : throw new InvalidDataException($"A stored '{table}' row has an invalid country.");
    }

    /// <summary>The row version standing for an ETag; a token that is not one never matches.</summary>
    public static long? RowVersion(string? token) =>
        token is not null && long.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) ? version : null;

    public static string Token(long rowVersion) => rowVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
