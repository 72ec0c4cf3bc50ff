using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Otklik.Data;

namespace Otklik.Features.Attachments;

/// <summary>
/// Which store keeps the files' bytes (<c>Otklik:FileStore</c>, ADR 0046): <c>Disk</c> (the folder <c>Otklik:Files</c>,
/// one node) or <c>Database</c> (the table <c>FileChunks</c> of the application's own database, which every node shares
/// and every dump contains).
/// </summary>
public static class FileStores
{
    public const string Disk = "Disk";
    public const string Database = "Database";

    public static string Kind(IConfiguration config) =>
        string.IsNullOrWhiteSpace(config["Otklik:FileStore"]) ? Disk : config["Otklik:FileStore"]!.Trim();

    /// <summary>A start refused: an unknown store name.</summary>
    public static string? Refusal(IConfiguration config)
    {
        var kind = Kind(config);
        return kind.Equals(Disk, StringComparison.OrdinalIgnoreCase) || kind.Equals(Database, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"Otklik:FileStore is '{kind}', which is not a file store Otklik knows: set it to Database (the files in PostgreSQL, "
              + "shared by every node) or Disk (the folder Otklik:Files, one node), e.g. Otklik__FileStore=Database.";
    }

    /// <summary>
    /// <c>Otklik import-files</c>: copies the files of the folder <c>Otklik:Files</c> into the database store (a deployment
    /// moving from Disk to Database, docs/operations.md section 5). A file the database has already is skipped, so it can
    /// be run again after an interruption.
    /// </summary>
    public static async Task<int> ImportFromDiskAsync(IConfiguration config, TextWriter output, CancellationToken ct)
    {
        if (From(config) is not DatabaseFileStore store)
        {
            await output.WriteLineAsync("Otklik import-files: set Otklik:FileStore=Database first; the files are copied from Otklik:Files into the database.");
            return 2;
        }
        var folder = config["Otklik:Files"] ?? Path.Combine("data", "files");
        var (copied, present) = (0, 0);
        if (System.IO.Directory.Exists(folder))
            foreach (var path in System.IO.Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(p => !p.EndsWith(".tmp", StringComparison.Ordinal)))
            {
                var key = System.IO.Path.GetFileName(path);
                await using (var existing = await store.OpenAsync(key, ct))
                    if (existing is not null) { present++; continue; }
                await using var file = File.OpenRead(path);
                await store.SaveAsync(key, file, ct);
                copied++;
            }
        await output.WriteLineAsync($"Otklik import-files: {copied} files copied from {folder} into the database, {present} were there already.");
        return 0;
    }

    public static IFileStore From(IConfiguration config) =>
        Kind(config).Equals(Database, StringComparison.OrdinalIgnoreCase)
            ? new DatabaseFileStore(Data.Database.ProviderOf(config), config.GetConnectionString("Otklik") ?? "")
            : new LocalDiskFileStore(config["Otklik:Files"] ?? Path.Combine("data", "files"));
}

/// <summary>
/// Files kept in the application's database, in chunks of <see cref="ChunkBytes"/> (table <c>FileChunks</c>: key, chunk
/// number, bytes). Every node reads what any node wrote, a dump holds the files with their rows, and a download reads one
/// chunk at a time on a short-lived pooled connection, so a slow client holds neither a connection nor the whole file.
/// </summary>
public sealed class DatabaseFileStore(DatabaseProvider provider, string connectionString) : IFileStore
{
    public const int ChunkBytes = 512 * 1024;

    internal DbConnection Connect() => provider == DatabaseProvider.Postgres
        ? new NpgsqlConnection(connectionString)
        : new SqliteConnection(connectionString);

    public async Task SaveAsync(string key, Stream content, CancellationToken ct)
    {
        await using var connection = Connect();
        await connection.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var delete = Command(connection, tx, """DELETE FROM "FileChunks" WHERE "Key" = @k""", ("k", key)))
            await delete.ExecuteNonQueryAsync(ct);
        var buffer = new byte[ChunkBytes];
        for (var n = 0; ; n++)
        {
            var read = await content.ReadAtLeastAsync(buffer, ChunkBytes, throwOnEndOfStream: false, ct);
            if (read == 0 && n > 0) break;
            await using (var insert = Command(connection, tx, """INSERT INTO "FileChunks" ("Key", "N", "Bytes") VALUES (@k, @n, @b)""",
                             ("k", key), ("n", n), ("b", buffer.AsSpan(0, read).ToArray())))
                await insert.ExecuteNonQueryAsync(ct);
            if (read < ChunkBytes) break;
        }
        await tx.CommitAsync(ct);
    }

    public async Task<Stream?> OpenAsync(string key, CancellationToken ct)
    {
        await using var connection = Connect();
        await connection.OpenAsync(ct);
        await using var head = Command(connection, null,
            """SELECT count(*), coalesce(sum(length("Bytes")), 0), coalesce(max(CASE WHEN "N" = 0 THEN length("Bytes") END), 0) FROM "FileChunks" WHERE "Key" = @k""",
            ("k", key));
        await using var reader = await head.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var chunks = Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
        if (chunks == 0) return null;
        var length = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        var chunk = Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture);
        return new ChunkedReadStream(this, key, length, Math.Max(chunk, 1));
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        await using var connection = Connect();
        await connection.OpenAsync(ct);
        await using var delete = Command(connection, null, """DELETE FROM "FileChunks" WHERE "Key" = @k""", ("k", key));
        await delete.ExecuteNonQueryAsync(ct);
    }

    internal async Task<byte[]> ChunkAsync(string key, int n, CancellationToken ct)
    {
        await using var connection = Connect();
        await connection.OpenAsync(ct);
        await using var select = Command(connection, null, """SELECT "Bytes" FROM "FileChunks" WHERE "Key" = @k AND "N" = @n""", ("k", key), ("n", n));
        return await select.ExecuteScalarAsync(ct) as byte[]
            ?? throw new IOException($"File {key}: chunk {n} is missing (deleted while it was being read).");
    }

    static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }
        return command;
    }

    /// <summary>A file read chunk by chunk as the reader asks; seekable, so a download knows its length and ranges work.</summary>
    sealed class ChunkedReadStream(DatabaseFileStore store, string key, long length, int chunkBytes) : Stream
    {
        long _position;
        int _loaded = -1;
        byte[] _chunk = [];

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => _position = Math.Clamp(value, 0, length); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (_position >= length || buffer.Length == 0) return 0;
            var n = (int)(_position / chunkBytes);
            if (n != _loaded)
            {
                _chunk = await store.ChunkAsync(key, n, ct);
                _loaded = n;
            }
            var offset = (int)(_position - (long)n * chunkBytes);
            var count = Math.Min(buffer.Length, _chunk.Length - offset);
            if (count <= 0) return 0;
            _chunk.AsMemory(offset, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
