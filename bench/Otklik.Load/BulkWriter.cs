using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Otklik.Data;

namespace Otklik.Load;

/// <summary>
/// Writes entities straight into their tables, bypassing the change tracker: PostgreSQL by binary COPY, SQLite by one
/// prepared INSERT per row in one transaction. The columns, their names and their conversions (enums as names, UTC
/// instants, owned types in the owner's table) come from the EF model, so rows are exactly what SaveChanges would write
/// and a property added to an entity is written without touching this class. Columns the model does not know (a
/// search vector kept by a trigger, say) are left to the database.
/// </summary>
public static class BulkWriter
{
    sealed record Column(string Name, Func<object, object?> Get, RelationalTypeMapping Mapping);

    sealed record Table(string Name, Column[] Columns);

    static readonly Dictionary<(Type, bool), Table> Tables = [];

    static Table For(AppDbContext db, Type clrType)
    {
        lock (Tables)
        {
            if (Tables.TryGetValue((clrType, db.IsPostgres), out var known)) return known;
            var type = db.Model.FindEntityType(clrType) ?? throw new InvalidOperationException($"{clrType.Name} is not in the model");
            var store = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            var columns = new List<Column>();
            var seen = new HashSet<string>();
            void Add(IProperty p, Func<object, object?> declaring)
            {
                // Shadow properties here are an owned type's copy of the owner's key: the same column, already written.
                if (p.IsShadowProperty() || p.GetColumnName(store) is not { } name || !seen.Add(name)) return;
                var getter = p.GetGetter();
                columns.Add(new(name, e => declaring(e) is { } o ? getter.GetClrValue(o) : null, p.GetRelationalTypeMapping()));
            }
            foreach (var p in type.GetProperties()) Add(p, e => e);
            foreach (var nav in type.GetNavigations().Where(n => !n.IsCollection && n.TargetEntityType.IsOwned()))
            {
                var owned = nav.GetGetter();
                foreach (var p in nav.TargetEntityType.GetProperties()) Add(p, e => owned.GetClrValue(e));
            }
            return Tables[(clrType, db.IsPostgres)] = new(store.Name, [.. columns]);
        }
    }

    /// <summary>Writes <paramref name="rows"/> of one entity type; the caller orders the calls so that foreign keys hold.</summary>
    public static async Task WriteAsync<T>(AppDbContext db, IReadOnlyCollection<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0) return;
        var table = For(db, typeof(T));
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync(ct);
        if (connection is NpgsqlConnection pg) await CopyAsync(pg, table, rows, ct);
        else await InsertAsync(connection, table, rows, ct);
    }

    static async Task CopyAsync<T>(NpgsqlConnection connection, Table table, IEnumerable<T> rows, CancellationToken ct) where T : class
    {
        var columns = string.Join(", ", table.Columns.Select(c => $"\"{c.Name}\""));
        await using var writer = await connection.BeginBinaryImportAsync($"COPY \"{table.Name}\" ({columns}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(ct);
            foreach (var c in table.Columns)
            {
                var value = c.Get(row);
                if (value is null) await writer.WriteNullAsync(ct);
                else await writer.WriteAsync(c.Mapping.Converter?.ConvertToProvider(value) ?? value, c.Mapping.StoreTypeNameBase, ct);
            }
        }
        await writer.CompleteAsync(ct);
    }

    static async Task InsertAsync<T>(DbConnection connection, Table table, IEnumerable<T> rows, CancellationToken ct) where T : class
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", table.Columns.Select(c => $"\"{c.Name}\""))}) " +
                              $"VALUES ({string.Join(", ", table.Columns.Select((_, i) => $"@p{i}"))})";
        foreach (var row in rows)
        {
            command.Parameters.Clear();
            for (var i = 0; i < table.Columns.Length; i++)
                // The mapping makes the parameter as EF would (a Guid as SQLite's text, an enum by name, a date as text).
                command.Parameters.Add(table.Columns[i].Mapping.CreateParameter(command, $"@p{i}", table.Columns[i].Get(row)));
            await command.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }
}
