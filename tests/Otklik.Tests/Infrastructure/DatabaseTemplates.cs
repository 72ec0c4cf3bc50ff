using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Otklik.Data;

namespace Otklik.Tests.Infrastructure;

/// <summary>
/// One database per engine migrated once per test process, which every <see cref="TestApp"/> copies: PostgreSQL makes
/// a new database from it with <c>CREATE DATABASE … TEMPLATE</c>, SQLite's file is copied. Applying all the migrations
/// to every new database (several hundred apps a run) built each migration's target model again and again and was the
/// largest part of a run's CPU. The app still runs its migrations at start, and finds none pending — the migrations
/// themselves are applied from scratch here, once per run and engine, and by the deployment tests that start the
/// published app on an empty database.
/// </summary>
public static class DatabaseTemplates
{
    static readonly Lock Gate = new();
    static string? _postgres, _sqlite;

    /// <summary>The name of this process's migrated PostgreSQL database; no connection to it stays open.</summary>
    public static string Postgres()
    {
        lock (Gate)
        {
            if (_postgres is not null) return _postgres;
            var name = $"template_{Environment.ProcessId}_{Guid.NewGuid():N}"[..40];
            using (var admin = new NpgsqlConnection(Engines.PostgresAdmin))
            {
                admin.Open();
                using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
                create.ExecuteNonQuery();
            }
            var connection = new NpgsqlConnectionStringBuilder(Engines.PostgresAdmin) { Database = name, Pooling = false }.ConnectionString;
            using (var db = new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(connection).Options))
                Database.MigrateAsync(db, CancellationToken.None).GetAwaiter().GetResult();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Drop(name);
            return _postgres = name;
        }
    }

    /// <summary>The path of this process's migrated SQLite file (WAL mode kept in its header, its log checkpointed into it).</summary>
    public static string Sqlite(string folder)
    {
        lock (Gate)
        {
            if (_sqlite is not null) return _sqlite;
            var path = Path.Combine(folder, $"template-{Environment.ProcessId}-{Guid.NewGuid():N}.db");
            var connection = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString;
            using (var db = new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(connection).Options))
            {
                Database.MigrateAsync(db, CancellationToken.None).GetAwaiter().GetResult();
                db.Database.ExecuteSqlRaw("PRAGMA wal_checkpoint(TRUNCATE);");
            }
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                foreach (var f in new[] { path, path + "-wal", path + "-shm" }) try { File.Delete(f); } catch (IOException) { }
            };
            return _sqlite = path;
        }
    }

    static void Drop(string name)
    {
        try
        {
            using var admin = new NpgsqlConnection(Engines.PostgresAdmin);
            admin.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            drop.ExecuteNonQuery();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException) { } // the run's PostgreSQL is already gone
    }
}
