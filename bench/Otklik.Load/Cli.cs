using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Otklik.Data;
using Otklik.Features.Deadlines;

namespace Otklik.Load;

/// <summary>
/// The harness of issue 8. Commands:
/// <code>
///   run    --engine sqlite|postgres --connection CS --app path/Otklik.dll --appeals N [--quick] [--limits] --out results.json
///   fill   --engine sqlite|postgres --connection CS --appeals N    only the data (to look at plans, or to time the fill)
///   echo   --port P                   the prebuilt-response limit: GET /r/{bytes} answers that many prebuilt bytes
///   report --results a.json,b.json [--pgbench file] [--redmine file [--redmine-measured "when, where"]] --out docs/performance.md --command "…"
///   centre --engine E --connection CS --fill N    the centre's dashboard, ranking and spike pass in process (bench/centre.sh)
///   doors  --engine E --connection CS --app path/Otklik.dll --letters N --imap-port P --smtp-port P --rows FILE --latency-rows FILE
///          e-mail, Telegram and the portal's intake in one run of the app (bench/doors.sh, issue 18)
/// </code>
/// bench/run.sh drives them; see docs/performance.md for what the figures mean.
/// </summary>
public static class Cli
{
    public static async Task<int> Main(string[] args)
    {
        var a = new Args(args);
        switch (args.FirstOrDefault())
        {
            case "run": await RunAsync(a); return 0;
            case "fill": await FillOnlyAsync(a); return 0;
            case "echo": await EchoAsync(a.Int("--port", 0)); return 0;
            case "report": Report.Write(a); return 0;
            case "centre": await Centre.RunAsync(a); return 0;
            case "doors": await Doors.RunAsync(a); return 0;
            default:
                Console.Error.WriteLine("usage: Otklik.Load run|echo|report …  (see bench/run.sh)");
                return 2;
        }
    }

    /// <summary>Fill, start the app, run every workload, the sweep, and (with --limits) the prebuilt-response limits; write the results.</summary>
    static async Task RunAsync(Args a)
    {
        var engine = a.Get("--engine", "postgres");
        var connection = a.Get("--connection", "");
        var appeals = a.Int("--appeals", 2000);
        var quick = a.Has("--quick");
        var warmup = TimeSpan.FromSeconds(a.Double("--warmup", quick ? 1 : 5));
        var duration = TimeSpan.FromSeconds(a.Double("--duration", quick ? 3 : 30));
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        // --only search,read: measure just these workloads (the fill and the sweep run as always).
        var only = a.Get("--only", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        IEnumerable<Workload> Chosen(BenchTargets t) => Workloads.All(t).Where(w => only.Length == 0 || only.Contains(w.Name));
        var results = new RunResults { Engine = engine, Appeals = appeals, Quick = quick, WarmupSeconds = warmup.TotalSeconds, DurationSeconds = duration.TotalSeconds };

        await using var services = Services(engine, connection);
        // --reuse: the database as an earlier fill (and earlier runs) left it — for profiling one change after another.
        if (a.Has("--reuse")) results.Appeals = appeals = await BenchData.WithDbAsync(services, db => db.Appeals.CountAsync());
        else results.FillSeconds = await FillAsync(services, engine, appeals, now);
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            results.Events = await db.AppealEvents.LongCountAsync();
            results.OpenAppeals = await db.Appeals.CountAsync(x => !DeadlineStatesFinished.Contains(x.Status));
            results.DatabaseVersion = db.IsPostgres
                ? "PostgreSQL " + await db.Database.SqlQueryRaw<string>("SELECT current_setting('server_version') AS \"Value\"").SingleAsync()
                  + ", fsync " + await db.Database.SqlQueryRaw<string>("SELECT current_setting('fsync') AS \"Value\"").SingleAsync()
                : "SQLite " + await db.Database.SqlQueryRaw<string>("SELECT sqlite_version() AS \"Value\"").SingleAsync() + " (WAL)";
        }

        // --nodes N: N app processes on the one database, the workers spread over them round-robin (issue 21's two nodes
        // against one). The first node is "the server" of the single-node figures; RSS is reported per node.
        var nodeCount = Math.Max(1, a.Int("--nodes", 1));
        results.Nodes = nodeCount;
        var ports = Enumerable.Range(0, nodeCount).Select(_ => FreePort()).ToArray();
        var nodes = ports.Select(p => new Uri($"http://127.0.0.1:{p}/")).ToArray();
        var baseAddress = nodes[0];
        var servers = ports.Select(p => StartApp(a.Get("--app", "out/app/Otklik.dll"), engine, connection, p)).ToArray();
        var server = servers[0];
        try
        {
            for (var i = 0; i < nodeCount; i++) await WaitForAsync(nodes[i], "health", servers[i]);
            BenchTargets targets;
            await using (var scope = services.CreateAsyncScope())
                targets = await BenchTargets.ReadAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), 512, CancellationToken.None);
            using (var http = LoadRunner.Client(baseAddress, 1)) await targets.FindDeepPagesAsync(http, CancellationToken.None);
            // Every workload for a warm-up of its own, untimed, before anything is measured: under load the runtime spends
            // its first ~25 s re-compiling hot methods (tiered JIT: 1–1.5 s of JIT a second, seen with dotnet-counters),
            // which the first measured workload would otherwise pay for alone.
            Console.WriteLine($"   priming every workload for {warmup.TotalSeconds:0.#} s (JIT, caches)");
            foreach (var workload in Chosen(targets))
            {
                var primed = await LoadRunner.RunAsync(workload, nodes, TimeSpan.Zero, warmup);
                if (primed.FirstError is { } e) Console.WriteLine($"   priming {workload.Name}: {e}");
            }
            // The peak resident memory from here on is that of the measured work; the warm-up's peak is kept beside it.
            results.ServerWarmupPeakRssKb = LoadRunner.Memory(server.Id).PeakKb;
            foreach (var s in servers) LoadRunner.ResetPeak(s.Id);
            foreach (var workload in Chosen(targets))
            {
                var before = CpuSample.Read(server.Id);
                var r = await LoadRunner.RunAsync(workload, nodes, warmup, duration);
                // The CPU per operation is one process's: with several nodes it would count a share of the work only.
                r.Cpu = nodeCount == 1 ? CpuSample.Between(before, CpuSample.Read(server.Id), r.AllOperations) : null;
                r.ServerRssKb = LoadRunner.Memory(server.Id).CurrentKb;
                results.Workloads.Add(r);
                Console.WriteLine(Line(r));
            }
            results.ServerPeakRssKb = LoadRunner.Memory(server.Id).PeakKb;
            results.NodePeakRssKb = [.. servers.Select(s => LoadRunner.Memory(s.Id).PeakKb ?? 0)];
            Console.WriteLine($"   server peak RSS (VmHWM) over the measured workloads: {results.ServerPeakRssKb / 1024.0:F0} MiB; during start-up and priming: {results.ServerWarmupPeakRssKb / 1024.0:F0} MiB"
                + (nodeCount > 1 ? $"; per node: {string.Join(", ", results.NodePeakRssKb.Select(k => $"{k / 1024.0:F0} MiB"))}" : ""));
        }
        finally
        {
            foreach (var s in servers)
            {
                s.Kill(entireProcessTree: true);
                await s.WaitForExitAsync();
                s.Dispose();
            }
        }

        results.Sweep = await Sweep.RunAsync(services, TimeProvider.System.GetUtcNow().UtcDateTime);
        Console.WriteLine($"   sweep: {results.Sweep}");

        if (a.Has("--limits"))
        {
            var echoPort = FreePort();
            var echoBase = new Uri($"http://127.0.0.1:{echoPort}/");
            using var echo = Process.Start(new ProcessStartInfo("dotnet", [typeof(Cli).Assembly.Location, "echo", "--port", echoPort.ToString(CultureInfo.InvariantCulture)])
                { RedirectStandardOutput = true, RedirectStandardError = true })!;
            try
            {
                await WaitForAsync(echoBase, "r/1", echo);
                foreach (var measured in results.Workloads.Where(r => Workloads.All(EmptyTargets).Single(w => w.Name == r.Name).Limit == "prebuilt"))
                {
                    var limit = await LoadRunner.RunAsync(Workloads.Prebuilt(measured), echoBase, warmup, duration);
                    results.Limits[measured.Name] = limit;
                    Console.WriteLine(Line(limit));
                }
            }
            finally
            {
                echo.Kill(entireProcessTree: true);
                await echo.WaitForExitAsync();
            }
        }

        var outPath = a.Get("--out", $"bench-{engine}.json");
        await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(results, ResultsJson));
        Console.WriteLine($"== {engine}: results in {outPath}");
    }

    static async Task FillOnlyAsync(Args a)
    {
        await using var services = Services(a.Get("--engine", "postgres"), a.Get("--connection", ""));
        await FillAsync(services, a.Get("--engine", "postgres"), a.Int("--appeals", 2000), TimeProvider.System.GetUtcNow().UtcDateTime);
    }

    /// <summary>A brand-new database of the engine, migrated as the app migrates it, then the bench region and its appeals.</summary>
    public static async Task<double> FillAsync(IServiceProvider services, string engine, int appeals, DateTime now)
    {
        Console.WriteLine($"== {engine}: filling {appeals:N0} appeals");
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Database.EnsureDeletedAsync();
            await Otklik.Data.Database.MigrateAsync(db, CancellationToken.None);
            await DeadlineData.EnsureAsync(db, now, CancellationToken.None);
        }
        var fill = Stopwatch.StartNew();
        await BenchData.FillAsync(services, appeals, now, BenchData.ConsoleProgress("filling"), CancellationToken.None);
        return fill.Elapsed.TotalSeconds;
    }

    /// <summary>A workload with no successful operation has NaN percentiles; they are written as "NaN".</summary>
    public static readonly JsonSerializerOptions ResultsJson = new()
    {
        WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    static readonly Features.Appeals.AppealStatus[] DeadlineStatesFinished = Features.Appeals.DeadlineStates.Finished;

    /// <summary>Targets that serve only to read the workloads' names and limits.</summary>
    static readonly BenchTargets EmptyTargets = new()
    {
        Directory = new BenchDirectory(Guid.Empty, Guid.Empty, [], []), ReadIds = [], PublicNumbers = [], Slots = [], ListFilters = [],
    };

    public static string Line(LoadResult r) => string.Create(CultureInfo.InvariantCulture,
        $"   {r.Name,-28} c={r.Concurrency,-3} ops={r.Operations,-7} err={r.Errors,-4} rate={r.Rate,9:F1}/s p50={r.P50,8:F1} p95={r.P95,8:F1} p99={r.P99,8:F1} ms  {r.BytesPerOperation / 1024,6:F1} KiB/op")
        + (r.ServerRssKb is { } rss ? $"  rss={rss / 1024} MiB" : "")
        + (r.Cpu is { } c ? $"\n      cpu/op: app {c.AppMs:F2} ms, db {c.DatabaseMs:F2} ms, load {c.LoadMs:F2} ms; busy {c.BusyPercent:F0} %; bound {c.Bound:N0}/s" : "")
        + (r.FirstError is { } e ? $"\n      first error: {e}" : "");

    /// <summary>The services the harness itself needs for filling and the sweep: the context of the engine and the deadline clocks.</summary>
    public static ServiceProvider Services(string engine, string connection)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        if (engine == "postgres")
        {
            services.AddDbContext<PostgresAppDbContext>(o => o.UseNpgsql(connection, n => n.CommandTimeout(600)));
            services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<PostgresAppDbContext>());
        }
        else
        {
            services.AddDbContext<SqliteAppDbContext>(o => o.UseSqlite(connection));
            services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<SqliteAppDbContext>());
        }
        // The deadline clocks listen for cache signals (ADR 0031); the harness is one process, so an empty configuration
        // gives signals that stay inside it.
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services.AddSingleton<Otklik.Infrastructure.ClusterSignals>();
        services.AddSingleton<DeadlineClocks>();
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// The published app as production runs it: Release, no demo data, no background workers (stable figures).
    /// <paramref name="settings"/> (configuration keys in environment form, "Otklik__Workers") are set last, over these.
    /// </summary>
    internal static Process StartApp(string dll, string engine, string connection, int port, IReadOnlyDictionary<string, string>? settings = null)
    {
        // --urls: appsettings.json names a port of its own, which ASPNETCORE_URLS would not override.
        var info = new ProcessStartInfo("dotnet", [Path.GetFullPath(dll), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(dll))!, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Database__Provider"] = engine == "postgres" ? "Postgres" : "Sqlite";
        info.Environment["ConnectionStrings__Otklik"] = connection;
        info.Environment["Otklik__DemoSeed"] = "false";
        // Production refuses to start without its public address (links in letters are built from it).
        info.Environment["Otklik__PublicUrl"] = $"http://127.0.0.1:{port}";
        info.Environment["Otklik__Workers"] = "false";
        // Every request comes from this one address: the per-address limit of the anonymous reads would measure itself.
        info.Environment["Otklik__RateLimits__PublicReadPerMinute"] = "1000000000";
        info.Environment["Otklik__Files"] = Path.Combine(Path.GetTempPath(), $"otklik-bench-files-{port}");
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var process = Process.Start(info)!;
        // Drained so a chatty server never blocks on a full pipe; the tail is shown if it dies.
        var tail = new Queue<string>();
        void Keep(string? line) { if (line is null) return; lock (tail) { tail.Enqueue(line); if (tail.Count > 40) tail.Dequeue(); } }
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Tails.AddOrUpdate(process, tail);
        return process;
    }

    /// <summary>The last lines each started process wrote, shown when it dies before it answers.</summary>
    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, Queue<string>> Tails = new();

    /// <summary>The last lines a process started by <see cref="StartApp"/> wrote (its log at Warning and above).</summary>
    internal static string Tail(Process process) => Tails.TryGetValue(process, out var tail) ? string.Join('\n', tail) : "";

    internal static async Task WaitForAsync(Uri baseAddress, string path, Process process)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (process.HasExited)
            {
                var output = Tails.TryGetValue(process, out var tail) ? string.Join('\n', tail) : "";
                throw new InvalidOperationException($"{string.Join(' ', process.StartInfo.ArgumentList)} exited with {process.ExitCode}:\n{output}");
            }
            try
            {
                using var response = await http.GetAsync(path);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{baseAddress}{path} did not answer in 3 minutes");
    }

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The machine's limit for a read: Kestrel answering prebuilt bytes (one array per size, made once), nothing else.</summary>
    static async Task EchoAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var cache = new System.Collections.Concurrent.ConcurrentDictionary<int, byte[]>();
        app.MapGet("/r/{size:int}", (int size) =>
            Results.Bytes(cache.GetOrAdd(Math.Clamp(size, 1, 4 * 1024 * 1024), n => [.. Enumerable.Repeat((byte)'x', n)]), "application/json"));
        await app.RunAsync();
    }
}

/// <summary>What one engine's run gave; bench/run.sh collects one file per engine and the report reads them all.</summary>
public sealed class RunResults
{
    public string Engine { get; set; } = "";
    public int Appeals { get; set; }
    public bool Quick { get; set; }
    public double WarmupSeconds { get; set; }
    public double DurationSeconds { get; set; }
    public double FillSeconds { get; set; }
    public long Events { get; set; }
    public int OpenAppeals { get; set; }
    public string DatabaseVersion { get; set; } = "";
    public long? ServerPeakRssKb { get; set; }
    /// <summary>App processes the workers were spread over (--nodes), and each one's peak RSS.</summary>
    public int Nodes { get; set; } = 1;
    public long[] NodePeakRssKb { get; set; } = [];
    public long? ServerWarmupPeakRssKb { get; set; }
    public List<LoadResult> Workloads { get; set; } = [];
    public Dictionary<string, LoadResult> Limits { get; set; } = [];
    public SweepResult? Sweep { get; set; }
}

public sealed class Args(string[] args)
{
    public bool Has(string name) => args.Contains(name);
    public string Get(string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
    public int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
    public double Double(string name, double fallback) => double.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
}
