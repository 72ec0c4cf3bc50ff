using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Tests.Infrastructure;

public enum Engine { Sqlite, Postgres }

public static class Engines
{
    public static TheoryData<Engine> All => new(Engine.Sqlite, Engine.Postgres);

    /// <summary>The throwaway server scripts/test.sh starts; PostgreSQL tests fail (never skip) without it.</summary>
    public static string PostgresAdmin =>
        Environment.GetEnvironmentVariable("OTKLIK_TEST_PG")
        ?? throw new InvalidOperationException("OTKLIK_TEST_PG is not set: run the tests through scripts/test.sh, which starts PostgreSQL.");
}

/// <summary>
/// The real application on a real socket (Kestrel on a free port) over a brand-new database of the chosen engine — a
/// copy of one migrated once per test process (<see cref="DatabaseTemplates"/>); the app's own start then finds every
/// migration applied — with the small test region of <see cref="TestRegion"/> and a clock the test controls.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    readonly Factory _factory;
    readonly string _files;
    readonly string? _pgDatabase;
    readonly string? _sqliteFile;

    public Engine Engine { get; }
    public FakeTimeProvider Clock { get; }
    /// <summary>Warnings and errors the server logged while the test ran.</summary>
    public ServerLog ServerLog { get; } = new();
    public TestRegion Region { get; private set; } = null!;
    public Uri BaseAddress { get; }
    public IServiceProvider Services => _factory.Services;

    public static readonly DateTimeOffset Start = new(2026, 11, 23, 7, 0, 0, TimeSpan.Zero); // 10:00 in Moscow, a Monday

    /// <summary>Where this app's letters land: the SMTP sink's folder (scripts/test.sh), or else the app's own pickup folder.</summary>
    public MailBox Mail { get; }

    TestApp(Engine engine, bool demoSeed, IReadOnlyDictionary<string, string?>? settings)
    {
        Engine = engine;
        Clock = new FakeTimeProvider(Start);
        var root = Path.Combine(Path.GetTempPath(), "otklik-tests");
        Directory.CreateDirectory(root);
        var name = $"t{Guid.NewGuid():N}";
        _files = Path.Combine(root, name + "-files");
        string connection;
        if (engine == Engine.Postgres)
        {
            _pgDatabase = name;
            var template = DatabaseTemplates.Postgres();
            using (var admin = new NpgsqlConnection(Engines.PostgresAdmin))
            {
                admin.Open();
                using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"", admin);
                create.ExecuteNonQuery();
            }
            // A burst of 200 submissions queues on the yearly counter; on a loaded CI machine the pool wait may pass 15 s.
            connection = new NpgsqlConnectionStringBuilder(Engines.PostgresAdmin) { Database = name, MaxPoolSize = 60, Timeout = 60 }.ConnectionString;
        }
        else
        {
            _sqliteFile = Path.Combine(root, name + ".db");
            File.Copy(DatabaseTemplates.Sqlite(root), _sqliteFile);
            connection = $"Data Source={_sqliteFile}";
        }
        Mail = new MailBox(MailBox.SinkFolder ?? _files + "-mail");
        _factory = new Factory(engine, connection, _files, demoSeed, Clock, ServerLog, settings ?? new Dictionary<string, string?>());
        _factory.UseKestrel(0);
        _factory.StartServer();
        BaseAddress = _factory.ClientOptions.BaseAddress;
    }

    /// <summary>
    /// A second node of the same deployment: another app on this app's database (and files), with the same clock and
    /// region, and caches of its own — what a region runs behind a load balancer. Disposing it leaves the database.
    /// </summary>
    /// <param name="settings">This node's own settings over the first node's (e.g. a files folder of its own).</param>
    public Task<TestApp> SecondNodeAsync(IReadOnlyDictionary<string, string?>? settings = null) => Task.Run(() => new TestApp(this, settings));

    TestApp(TestApp first, IReadOnlyDictionary<string, string?>? settings)
    {
        (Engine, Clock, _files, Mail, Region) = (first.Engine, first.Clock, first._files, first.Mail, first.Region);
        var own = new Dictionary<string, string?>(first._factory.Settings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) own[key] = value;
        _factory = new Factory(Engine, first._factory.Connection, _files, false, Clock, ServerLog, own);
        _factory.UseKestrel(0);
        _factory.StartServer();
        BaseAddress = _factory.ClientOptions.BaseAddress;
        _secondNode = true;
    }

    readonly bool _secondNode;

    /// <param name="settings">Configuration that overrides the tests' defaults (e.g. a low rate limit).</param>
    public static async Task<TestApp> StartAsync(Engine engine, bool demoSeed = false, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var app = await Task.Run(() => new TestApp(engine, demoSeed, settings));
        if (!demoSeed) app.Region = await TestRegion.CreateAsync(app);
        return app;
    }

    public HttpClient Anonymous() => NewClient(null);

    public HttpClient ClientAs(Persona persona) => NewClient(Region.KeyOf(persona));

    public HttpClient ClientWithKey(string key) => NewClient(key);

    /// <summary>
    /// A browser's session without JavaScript: cookies kept, redirects not followed, and the Origin header of this site,
    /// which a browser sends with every POST from the site's own pages (the API refuses a cookie request without it).
    /// </summary>
    public HttpClient CookieClient()
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2),
        };
        client.DefaultRequestHeaders.Add("Origin", BaseAddress.GetLeftPart(UriPartial.Authority));
        return client;
    }

    HttpClient NewClient(string? apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        // It keeps a cookie if it signs in, as a browser would, and sends this site's Origin as a browser's page would.
        client.DefaultRequestHeaders.Add("Origin", BaseAddress.GetLeftPart(UriPartial.Authority));
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>A fresh scope with its own DbContext, to look at what the database really holds.</summary>
    public async Task<T> WithDbAsync<T>(Func<AppDbContext, Task<T>> read)
    {
        await using var scope = Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public async Task WithDbAsync(Func<AppDbContext, Task> work)
    {
        await using var scope = Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public async ValueTask DisposeAsync()
    {
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await _factory.DisposeAsync();
        // A host that takes seconds to stop holds its test class (and the run) for them: scripts/test.sh lists these.
        if (stopping.Elapsed > TimeSpan.FromSeconds(3))
            SlowStops.Note($"{stopping.Elapsed.TotalSeconds:0.0} s to stop, {Engine}, {Xunit.TestContext.Current.TestClass?.TestClassName ?? "?"}: "
                + (ServerLog.Entries.LastOrDefault()?.ToString().Split('\n')[0] ?? "nothing logged"));
        if (_secondNode) return;
        if (_pgDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(Engines.PostgresAdmin);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_pgDatabase}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        if (_sqliteFile is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { _sqliteFile, _sqliteFile + "-wal", _sqliteFile + "-shm" }) File.Delete(f);
        }
        if (Directory.Exists(_files)) Directory.Delete(_files, recursive: true);
        if (Directory.Exists(_files + "-mail")) Directory.Delete(_files + "-mail", recursive: true);
    }

    sealed class Factory(Engine engine, string connection, string files, bool demoSeed, FakeTimeProvider clock, ServerLog log,
        IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        public string Connection => connection;
        public IReadOnlyDictionary<string, string?> Settings => settings;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Database:Provider", engine.ToString());
            builder.UseSetting("ConnectionStrings:Otklik", connection);
            builder.UseSetting("Otklik:DemoSeed", demoSeed ? "true" : "false");
            builder.UseSetting("Otklik:Workers", "false");
            builder.UseSetting("Otklik:Files", files);
            // Mail goes to the SMTP sink when scripts/test.sh runs one, else to a pickup folder; the portal's guards are
            // opened wide (no minimum form time, high rate limits) except where a test sets them.
            if (MailBox.SinkPort is { } smtpPort)
            {
                builder.UseSetting("Otklik:Mail:Host", "127.0.0.1");
                builder.UseSetting("Otklik:Mail:Port", smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            builder.UseSetting("Otklik:Mail:Pickup", files + "-mail");
            builder.UseSetting("Otklik:Mail:AdministratorEmail", MailBox.PortalAdministrator);
            builder.UseSetting("Otklik:Mail:CuratorEmail", MailBox.PortalCurator);
            builder.UseSetting("Otklik:BotCheck:MinSeconds", "0");
            builder.UseSetting("Otklik:RateLimits:AccountsPerMinute", "100000");
            builder.UseSetting("Otklik:RateLimits:SubmitPerMinute", "100000");
            builder.UseSetting("Otklik:RateLimits:PublicReadPerMinute", "100000");
            builder.UseSetting("Otklik:Uploads:PerMinute", "100000");
            builder.UseSetting("Otklik:Uploads:FilesPerDay", "100000");
            builder.UseSetting("Otklik:Uploads:MegabytesPerDay", "100000");
            // Every test client comes from 127.0.0.1: the per-address cap on failed sign-ins is opened wide like the rate limits.
            builder.UseSetting("Otklik:SignIn:AddressFailures", "100000");
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
            builder.ConfigureLogging(l => l.AddProvider(log));
            builder.ConfigureServices(s =>
            {
                s.RemoveAll<TimeProvider>();
                s.AddSingleton<TimeProvider>(clock);
            });
        }
    }
}

public static class HttpExtensions
{
    public static readonly JsonSerializerOptions Options = Json.Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        try { return JsonSerializer.Deserialize<T>(body, Options)!; }
        catch (JsonException e) { throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: cannot read {typeof(T).Name} from: {body}", e); }
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body, Options);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object body) =>
        client.PutAsJsonAsync(url, body, Options);

    /// <summary>Asserts the status, showing the body when it differs, which is what one needs to see when a test fails.</summary>
    public static async Task<HttpResponseMessage> Expect(this Task<HttpResponseMessage> call, System.Net.HttpStatusCode status)
    {
        var response = await call;
        if (response.StatusCode != status)
            Assert.Fail($"Expected {(int)status} {status}, got {(int)response.StatusCode} {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.ReadAsync<JsonElement>());
    }
}

/// <summary>App stops slower than 3 s, one line each in a file scripts/test.sh prints at the end of a run.</summary>
public static class SlowStops
{
    static readonly Lock Gate = new();
    public static string? File => Environment.GetEnvironmentVariable("OTKLIK_TEST_SLOW_STOPS");

    public static void Note(string line)
    {
        if (File is not { } path) return;
        lock (Gate) System.IO.File.AppendAllText(path, line + Environment.NewLine);
    }
}
