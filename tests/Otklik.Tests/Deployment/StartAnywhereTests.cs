using System.Net;
using Npgsql;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Deployment;

/// <summary>
/// The published app started as an operator starts it — <c>dotnet /opt/otklik/Otklik.dll</c> from whatever directory
/// the shell or systemd is in — keeps its configuration, its style sheets and its data in its own folder; a setting
/// that cannot work stops the start with one clear line and a non-zero exit, never a silent SQLite (issue 21 item 1).
/// </summary>
public sealed class StartAnywhereTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Started_from_another_directory_it_keeps_its_configuration_static_files_and_data(Engine engine)
    {
        var app = await PublishedApp.FolderAsync();
        var elsewhere = Directory.CreateTempSubdirectory("otklik-cwd-").FullName;
        var port = AppProcess.FreePort();
        var environment = $"Check{engine}";
        // The address comes only from a settings file in the app's folder: the app answering on it proves the file was read.
        await File.WriteAllTextAsync(Path.Combine(app, $"appsettings.{environment}.json"),
            $$"""{ "Urls": "http://127.0.0.1:{{port}}", "Otklik": { "PublicUrl": "http://127.0.0.1:{{port}}" } }""");
        await using var database = await ScratchDatabase.CreateAsync(engine);
        var env = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = environment, ["Database__Provider"] = engine.ToString() };
        // SQLite keeps its default, relative file name: it must land in the app's folder, not in the working directory.
        if (engine == Engine.Postgres) env["ConnectionStrings__Otklik"] = database.ConnectionString;
        var sqliteFile = Path.Combine(app, "data", "otklik.db");
        try
        {
            await using (var process = AppProcess.Start(app, elsewhere, env))
            {
                var address = new Uri($"http://127.0.0.1:{port}/");
                await process.WaitUntilHealthyAsync(address);
                using var http = new HttpClient { BaseAddress = address };
                using var css = await http.GetAsync("css/site.css");
                Assert.Equal(HttpStatusCode.OK, css.StatusCode);
                Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
                using var home = new HttpRequestMessage(HttpMethod.Get, "/");
                home.Headers.Accept.ParseAdd("text/html");
                using var page = await http.SendAsync(home);
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                Assert.Contains("/css/", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            Assert.False(Directory.Exists(Path.Combine(elsewhere, "data")), "the app wrote data into the working directory it was started from");
            Assert.Equal(engine == Engine.Sqlite, File.Exists(sqliteFile));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            // On PostgreSQL the data folder may not exist at all (File.Delete throws for a missing folder).
            foreach (var f in new[] { sqliteFile, sqliteFile + "-wal", sqliteFile + "-shm" }) if (File.Exists(f)) File.Delete(f);
            File.Delete(Path.Combine(app, $"appsettings.{environment}.json"));
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    public static TheoryData<string, string, string, string> Refusals => new()
    {
        // environment, Database:Provider, connection string, what the one line must name
        { "Production", "Postgress", "Host=127.0.0.1;Database=otklik", "Database:Provider is 'Postgress'" },
        { "Testing", "1", "", "Database:Provider is '1'" },
        // The shipped appsettings.json's SQLite file is left in place when only the provider is changed.
        { "Production", "Postgres", "", "ConnectionStrings:Otklik is not a PostgreSQL connection string" },
        { "Testing", "", "Host=127.0.0.1;Port=5432;Database=otklik", "It looks like PostgreSQL's" },
        // A public address is required in Production: every link in every letter is built from it.
        { "Production", "Sqlite", "", "Otklik:PublicUrl is not set" },
    };

    [Theory, MemberData(nameof(Refusals))]
    public async Task A_setting_that_cannot_work_stops_the_start_with_one_clear_line(string environment, string provider, string connection, string expected)
    {
        var app = await PublishedApp.FolderAsync();
        var elsewhere = Directory.CreateTempSubdirectory("otklik-cwd-").FullName;
        try
        {
            var env = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = environment, ["Database__Provider"] = provider };
            if (connection.Length > 0) env["ConnectionStrings__Otklik"] = connection;
            if (!expected.Contains("PublicUrl", StringComparison.Ordinal)) env["Otklik__PublicUrl"] = "https://otklik.example.ru";
            await using var process = AppProcess.Start(app, elsewhere, env, port: AppProcess.FreePort());
            var code = await process.WaitForExitAsync();
            Assert.NotEqual(0, code);
            Assert.Contains("Otklik cannot start: ", process.Output, StringComparison.Ordinal);
            Assert.Contains(expected, process.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", process.Output, StringComparison.Ordinal);
            // No SQLite file was opened in its place.
            Assert.False(File.Exists(Path.Combine(app, "data", "otklik.db")), "a SQLite database was created instead of refusing");
        }
        finally { Directory.Delete(elsewhere, recursive: true); }
    }

    [Fact]
    public async Task An_unreachable_database_stops_the_start_with_one_clear_line()
    {
        var app = await PublishedApp.FolderAsync();
        var closed = AppProcess.FreePort(); // nothing listens there
        await using var process = AppProcess.Start(app, Path.GetTempPath(), new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Otklik__PublicUrl"] = "https://otklik.example.ru", ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Otklik"] = $"Host=127.0.0.1;Port={closed};Database=otklik;Username=otklik;Password=secret-password",
        }, port: AppProcess.FreePort());
        Assert.Equal(1, await process.WaitForExitAsync());
        Assert.Contains("Otklik cannot start: the database cannot be used (PostgreSQL at ", process.Output, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{closed}", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-password", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_is_a_separate_step_a_node_that_does_not_migrate_refuses_an_old_schema_and_first_admin_starts_an_empty_installation()
    {
        var app = await PublishedApp.FolderAsync();
        await using var database = await ScratchDatabase.CreateAsync(Engine.Postgres);
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Otklik__PublicUrl"] = "https://otklik.example.ru", ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Otklik"] = database.ConnectionString, ["Otklik__MigrateOnStart"] = "false", ["Otklik__Workers"] = "false",
        };
        // A node of the new version that does not migrate refuses an empty (or older) schema instead of failing later.
        await using (var node = AppProcess.Start(app, Path.GetTempPath(), env, port: AppProcess.FreePort()))
        {
            Assert.Equal(1, await node.WaitForExitAsync());
            Assert.Contains("run `Otklik migrate` first", node.Output, StringComparison.Ordinal);
        }
        await using (var migrate = AppProcess.Start(app, Path.GetTempPath(), env, args: ["migrate"]))
        {
            Assert.Equal(0, await migrate.WaitForExitAsync());
            Assert.Contains("Otklik: the database is at migration", migrate.Output, StringComparison.Ordinal);
        }
        // The first administrator of an installation without demo data: once, then refused.
        var admin = new Dictionary<string, string>(env) { ["OTKLIK_ADMIN_PASSWORD"] = "Perv1yAdmin" };
        string[] firstAdmin = ["first-admin", "--email", "admin@region.example.ru", "--region", "Правительство Тестовой области"];
        await using (var create = AppProcess.Start(app, Path.GetTempPath(), admin, args: firstAdmin))
        {
            Assert.Equal(0, await create.WaitForExitAsync());
            Assert.Contains("admin@region.example.ru is the administrator of «Правительство Тестовой области»", create.Output, StringComparison.Ordinal);
        }
        await using (var again = AppProcess.Start(app, Path.GetTempPath(), admin, args: firstAdmin))
        {
            Assert.Equal(1, await again.WaitForExitAsync());
            Assert.Contains("an administrator exists already", again.Output, StringComparison.Ordinal);
        }
        var port = AppProcess.FreePort();
        // Served over plain http here, so that the session cookie (Secure under an https address) comes back.
        var plain = new Dictionary<string, string>(env) { ["Otklik__PublicUrl"] = $"http://127.0.0.1:{port}" };
        await using (var node = AppProcess.Start(app, Path.GetTempPath(), plain, port: port))
        {
            await node.WaitUntilHealthyAsync();
            using var http = new HttpClient { BaseAddress = node.BaseAddress };
            http.DefaultRequestHeaders.Add("Origin", $"http://127.0.0.1:{port}");
            using var login = await http.PostAsync("/api/v1/auth/login", System.Net.Http.Json.JsonContent.Create(new { email = "admin@region.example.ru", password = "Perv1yAdmin" }));
            Assert.True(login.IsSuccessStatusCode, $"the first administrator cannot sign in: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync()}");
            var me = await (await http.GetAsync("/api/v1/auth/me")).Content.ReadAsStringAsync();
            Assert.Contains("administrator", me, StringComparison.OrdinalIgnoreCase);
        }
    }
}

/// <summary>A database of its own for a test that starts the app as a process: a new PostgreSQL database, dropped at the end.</summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    readonly string? _name;

    ScratchDatabase(string? name, string connectionString) => (_name, ConnectionString) = (name, connectionString);

    public string ConnectionString { get; }

    public static async Task<ScratchDatabase> CreateAsync(Engine engine)
    {
        if (engine == Engine.Sqlite) return new ScratchDatabase(null, "");
        var name = $"s{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(Engines.PostgresAdmin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        return new ScratchDatabase(name, new NpgsqlConnectionStringBuilder(Engines.PostgresAdmin) { Database = name, Pooling = true }.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        if (_name is null) return;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(Engines.PostgresAdmin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
