using Microsoft.Data.Sqlite;

namespace Otklik.Infrastructure;

/// <summary>
/// The app runs the same from any working directory (issue 21 item 1): its content root — appsettings*.json, wwwroot —
/// is the folder it is installed in unless <c>--contentRoot</c> or <c>ASPNETCORE_CONTENTROOT</c> names another, and the
/// relative data paths of the configuration (the SQLite file, uploaded files, the mail pickup folder, an MBTiles file)
/// are taken from the content root, not from wherever the process happened to be started. Before this, a start from
/// another directory read no configuration, served no style sheet and quietly opened a new, empty SQLite file there.
/// </summary>
public static class AppPaths
{
    /// <summary>The content root to give the host: the app's own folder, or null when one is configured (the host then uses that).</summary>
    public static string? DefaultContentRoot(string[] args)
    {
        var configured = new ConfigurationBuilder().AddEnvironmentVariables("ASPNETCORE_").AddEnvironmentVariables("DOTNET_")
            .AddCommandLine(args).Build()["contentRoot"];
        return string.IsNullOrWhiteSpace(configured) ? AppContext.BaseDirectory : null;
    }

    /// <summary>Makes every relative data path of <paramref name="config"/> absolute under <paramref name="contentRoot"/>.</summary>
    public static void AnchorDataPaths(IConfigurationManager config, string contentRoot)
    {
        var anchored = new Dictionary<string, string?>();
        void Anchor(string key, string? fallback)
        {
            var value = config[key] is { Length: > 0 } v && !string.IsNullOrWhiteSpace(v) ? v : fallback;
            if (value is not null && !Path.IsPathRooted(value)) anchored[key] = Path.GetFullPath(value, contentRoot);
        }
        Anchor("Otklik:Files", Path.Combine("data", "files"));
        Anchor("Otklik:Mail:Pickup", Path.Combine("data", "mail"));
        Anchor("Otklik:Map:MbTiles", null);
        if (string.IsNullOrWhiteSpace(config["Database:Provider"]) || string.Equals(config["Database:Provider"], "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var sqlite = new SqliteConnectionStringBuilder(config.GetConnectionString("Otklik") is { Length: > 0 } cs && !string.IsNullOrWhiteSpace(cs)
                    ? cs : Data.Database.DefaultSqlite);
                if (sqlite.Mode != SqliteOpenMode.Memory && sqlite.DataSource is { Length: > 0 } file && file != ":memory:"
                    && !file.StartsWith("file:", StringComparison.OrdinalIgnoreCase) && !Path.IsPathRooted(file))
                {
                    sqlite.DataSource = Path.GetFullPath(file, contentRoot);
                    anchored["ConnectionStrings:Otklik"] = sqlite.ConnectionString;
                }
            }
            catch (ArgumentException) { } // not a SQLite connection string: StartupChecks refuses it with the reason
        }
        if (anchored.Count > 0) config.AddInMemoryCollection(anchored);
    }
}
