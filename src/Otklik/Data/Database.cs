using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Otklik.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Chooses the engine from configuration: SQLite in ./data by default, PostgreSQL in production.</summary>
public static class Database
{
    public const string DefaultSqlite = "Data Source=data/otklik.db";

    public static DatabaseProvider ProviderOf(IConfiguration config) =>
        Enum.TryParse<DatabaseProvider>(config["Database:Provider"], ignoreCase: true, out var p) ? p : DatabaseProvider.Sqlite;

    public static IServiceCollection AddOtklikDatabase(this IServiceCollection services, IConfiguration config)
    {
        var provider = ProviderOf(config);
        var cs = config.GetConnectionString("Otklik");
        if (provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(cs)) throw new InvalidOperationException("ConnectionStrings:Otklik is required for PostgreSQL.");
            // Statements prepared on the server from their second use on each connection, parsed and planned once instead
            // of on every request: at a million appeals +60 % reads, +40 % status changes and searches (docs/performance.md).
            var npgsql = new Npgsql.NpgsqlConnectionStringBuilder(cs);
            if (npgsql.MaxAutoPrepare == 0) (npgsql.MaxAutoPrepare, npgsql.AutoPrepareMinUsages) = (64, 2);
            // Requests are short and many run at once: starting parallel workers (~20 ms) cost more than they saved — the
            // staff search at a million appeals took 29 ms with two workers, 2 ms without (ADR 0013).
            if (npgsql.Options?.Contains("max_parallel_workers_per_gather", StringComparison.Ordinal) != true)
                npgsql.Options = $"{npgsql.Options} -c max_parallel_workers_per_gather=0".Trim();
            services.AddDbContext<PostgresAppDbContext>(o => o.UseNpgsql(npgsql.ConnectionString).AddInterceptors(PublicPagesAfterCommit.Instance));
            services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<PostgresAppDbContext>());
        }
        else
        {
            var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(cs) ? DefaultSqlite : cs) { DefaultTimeout = 60 };
            if (Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } dir) Directory.CreateDirectory(dir);
            services.AddDbContext<SqliteAppDbContext>(o => o.UseSqlite(builder.ConnectionString).AddInterceptors(PublicPagesAfterCommit.Instance));
            services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<SqliteAppDbContext>());
        }
        return services;
    }

    /// <summary>Applies the migrations of the configured engine; SQLite is switched to WAL so readers never block the writer.</summary>
    public static async Task MigrateAsync(AppDbContext db, CancellationToken ct)
    {
        // A new SQLite file is created first: EF's "does it exist" probe opens it read-only, and on a first start that
        // failed open would be logged as a database outage.
        if (!db.IsPostgres) { await db.Database.OpenConnectionAsync(ct); await db.Database.CloseConnectionAsync(); }
        await db.Database.MigrateAsync(ct);
        if (!db.IsPostgres) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }
}

/// <summary>For dotnet-ef: each migration set is built against its own provider.</summary>
public sealed class SqliteDesignFactory : IDesignTimeDbContextFactory<SqliteAppDbContext>
{
    public SqliteAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(Database.DefaultSqlite).Options);
}

public sealed class PostgresDesignFactory : IDesignTimeDbContextFactory<PostgresAppDbContext>
{
    public PostgresAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql("Host=127.0.0.1;Database=otklik_design").Options);
}
