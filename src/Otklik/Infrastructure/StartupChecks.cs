using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;

namespace Otklik.Infrastructure;

/// <summary>
/// What a deployment must get right before the app answers anyone: a Production node without its public address, or
/// with the demo seed asked for (a shared password and an administrator's API key), does not start; nor does a node
/// whose database setting is misspelt or unusable — it never falls back to SQLite in silence (issue 21 item 1).
/// </summary>
public static class StartupChecks
{
    public static IReadOnlyList<string> Refusals(IHostEnvironment environment, IConfiguration config)
    {
        var refusals = new List<string>();
        refusals.AddRange(DatabaseRefusals(config));
        try
        {
            if (environment.IsProduction() && !PublicUrl.From(config).IsConfigured)
                refusals.Add("Otklik:PublicUrl is not set. Every link in every letter is built from it: set it to the site's public address, "
                    + "e.g. Otklik__PublicUrl=https://otklik.example.ru (see README, Configuration).");
        }
        catch (InvalidOperationException e) { refusals.Add(e.Message); }
        if (environment.IsProduction() && config.GetValue("Otklik:DemoSeed", false))
            refusals.Add("Otklik:DemoSeed is on in Production: the demo region publishes a shared password and an administrator's API key. "
                + "Remove the setting (it is off by default) or run a demo in the Development environment.");
        if (Features.Attachments.FileStores.Refusal(config) is { } store) refusals.Add(store);
        try { ForwardedHeaders.Options(config); }
        catch (FormatException e) { refusals.Add(e.Message); }
        return refusals;
    }

    static IEnumerable<string> DatabaseRefusals(IConfiguration config)
    {
        var name = config["Database:Provider"];
        var cs = config.GetConnectionString("Otklik");
        // Enum.TryParse would take "1" or " postgres " too; only the two names are a choice of engine.
        if (!string.IsNullOrWhiteSpace(name) && !Enum.GetNames<DatabaseProvider>().Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"Database:Provider is '{name}', which is not an engine Otklik knows: set it to Postgres (PostgreSQL) or Sqlite "
                + "(the embedded default), e.g. Database__Provider=Postgres.";
            yield break;
        }
        if (Database.ProviderOf(config) == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(cs))
                yield return "Database:Provider is Postgres but ConnectionStrings:Otklik is empty: set it, e.g. "
                    + "ConnectionStrings__Otklik='Host=127.0.0.1;Port=5432;Database=otklik;Username=otklik;Password=…'.";
            else if (Invalid(() => new Npgsql.NpgsqlConnectionStringBuilder(cs)) is { } reason)
                yield return $"ConnectionStrings:Otklik is not a PostgreSQL connection string ({reason})."
                    + (Invalid(() => new SqliteConnectionStringBuilder(cs)) is null ? " It is a SQLite one (the default of appsettings.json): set "
                        + "ConnectionStrings__Otklik to the PostgreSQL server's, e.g. 'Host=…;Database=otklik;Username=otklik;Password=…'." : "");
        }
        else if (!string.IsNullOrWhiteSpace(cs) && Invalid(() => new SqliteConnectionStringBuilder(cs)) is { } reason)
            yield return $"ConnectionStrings:Otklik is not a SQLite connection string ({reason}). "
                + (cs.Contains("Host=", StringComparison.OrdinalIgnoreCase) ? "It looks like PostgreSQL's: set Database:Provider=Postgres." : "");
    }

    static string? Invalid(Func<object> parse)
    {
        try { _ = parse(); return null; }
        catch (ArgumentException e) { return e.Message; }
    }

    /// <summary>
    /// Brings the database to this version's schema (or, with <c>Otklik:MigrateOnStart=false</c>, checks that
    /// <c>Otklik migrate</c> already did), and says in one line why not when the database cannot be reached.
    /// </summary>
    public static async Task<string?> PrepareDatabaseAsync(AppDbContext db, IConfiguration config, bool migrate, CancellationToken ct)
    {
        try
        {
            if (migrate || config.GetValue("Otklik:MigrateOnStart", true))
            {
                await Database.MigrateAsync(db, ct);
                return null;
            }
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            return pending.Count == 0 ? null
                : $"the database lacks {pending.Count} migration(s) of this version (the first is {pending[0]}): run `Otklik migrate` first "
                  + "(docs/operations.md, Upgrade), or set Otklik:MigrateOnStart=true.";
        }
        catch (Exception e) when (e is DbException || DatabaseOutage.IsUnavailable(e))
        {
            var connection = db.Database.GetDbConnection();
            var where = db.IsPostgres ? $"PostgreSQL at {connection.DataSource}, database {connection.Database}" : $"SQLite file {connection.DataSource}";
            var reason = e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} ({inner.Message})" : e.Message;
            return $"the database cannot be used ({where}): {reason}. Check ConnectionStrings:Otklik and that the server is running.";
        }
    }
}

/// <summary>
/// X-Forwarded-For and X-Forwarded-Proto are believed only from the proxies named in
/// <c>Otklik:ForwardedHeaders:KnownProxies</c> (addresses) and <c>KnownNetworks</c> (CIDR ranges); from anyone else the
/// headers are ignored, since a client could otherwise pick its own address and slip every per-address limit. With none
/// configured the middleware is not used at all: the client's address is the connection's.
/// </summary>
public static class ForwardedHeaders
{
    public static ForwardedHeadersOptions? Options(IConfiguration config)
    {
        var section = config.GetSection("Otklik:ForwardedHeaders");
        var proxies = Values(section.GetSection("KnownProxies"));
        var networks = Values(section.GetSection("KnownNetworks"));
        if (proxies.Count == 0 && networks.Count == 0) return null;
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto,
            // One proxy in front of the app is the usual case; a chain of trusted proxies is walked as far as it is known.
            ForwardLimit = null,
        };
        // The defaults trust the loopback address; only what is configured is trusted here.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var p in proxies)
            options.KnownProxies.Add(IPAddress.TryParse(p, out var address) ? address
                : throw new FormatException($"Otklik:ForwardedHeaders:KnownProxies: '{p}' is not an IP address."));
        foreach (var n in networks)
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(n, out var network) ? network
                : throw new FormatException($"Otklik:ForwardedHeaders:KnownNetworks: '{n}' is not a network such as 10.0.0.0/8."));
        return options;
    }

    /// <summary>A list is either an array section (KnownProxies:0, :1 …) or one comma-separated value (easy in an environment variable).</summary>
    static List<string> Values(IConfigurationSection section) =>
        (section.Value is { Length: > 0 } one ? one.Split(',') : section.GetChildren().Select(c => c.Value ?? ""))
        .Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
}
