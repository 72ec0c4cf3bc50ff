using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Otklik.Load;

/// <summary>
/// Writes the side-by-side section of docs/performance.md between its markers (a rerun replaces only that section; the
/// deadline sweep section of bench/sweep.sh and anything else in the file stay as they are).
/// </summary>
public static partial class Report
{
    public const string Begin = "<!-- bench/run.sh: begin -->";
    public const string End = "<!-- bench/run.sh: end -->";

    /// <summary>A figure of Redmine's: ops/s, p50 and p95 (ms), and where it comes from.</summary>
    public sealed record Peer(double Rate, double P50, double P95);

    /// <summary>bench.js phases → the Otklik workload doing the same work.</summary>
    static readonly Dictionary<string, string> PhaseOf = new()
    {
        ["create"] = "intake c8", ["list"] = "list page 1", ["get"] = "read", ["update"] = "transition", ["search"] = "search",
    };

    /// <summary>
    /// ../shared/peers/redmine/RESULTS.md, server B (Apache + Passenger ×4, the package defaults, notifications on), run 1 of
    /// each pair: the N = 2,000 table for small volumes, the ~100,000 table otherwise (create was measured at N = 2,000 only).
    /// </summary>
    static Dictionary<string, Peer> FromResultsMd(int appeals) => appeals <= 10_000
        ? new() { ["intake c8"] = new(21.6, 362, 473), ["list page 1"] = new(12.3, 617, 992), ["read"] = new(57.7, 135, 173),
                  ["transition"] = new(18.1, 428, 569), ["search"] = new(20.2, 363, 584) }
        : new() { ["intake c8"] = new(21.6, 362, 473), ["list page 1"] = new(9.5, 819, 1125), ["read"] = new(58.8, 129, 196),
                  ["transition"] = new(20.2, 396, 511), ["search"] = new(1.3, 5989, 6641) };

    internal static void Write(Args a)
    {
        var runs = a.Get("--results", "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => JsonSerializer.Deserialize<RunResults>(File.ReadAllText(p), Cli.ResultsJson)!).ToList();
        if (runs.Count == 0) throw new InvalidOperationException("no --results");
        var appeals = runs[0].Appeals;
        var pgbench = ReadPgbench(a.Get("--pgbench", ""));
        var (redmine, redmineSource, measuredByBenchJs) = ReadRedmine(a.Get("--redmine", ""), appeals, a.Get("--redmine-measured", ""));
        if (a.Int("--redmine-issues", 0) is > 0 and var issues && measuredByBenchJs)
            redmineSource += FormattableString.Invariant($", with {issues:N0} issues in the project (preloaded)");

        var md = new StringBuilder();
        void L(string line = "") => md.Append(line).Append('\n');
        L(Begin);
        L("## Side by side: Otklik, Redmine and the machine's limits");
        L();
        L(FormattableString.Invariant($"Measured {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC on {Machine()} by `{a.Get("--command", "bench/run.sh")}`")
            + FormattableString.Invariant($" (Otklik {a.Get("--commit", "?")}, {RuntimeInformation.FrameworkDescription})."));
        if (runs[0].Quick)
            L("**Quick mode**: small data and a few seconds per workload. It shows the harness works; these are not figures to quote.");
        if (a.Get("--note", "") is { Length: > 0 } note) L($"**Note:** {note}");
        L();
        L("| engine | database | appeals | history events | open appeals | fill | server peak RSS (VmHWM), measured workloads | … start-up and priming |");
        L("|---|---|---|---|---|---|---|---|");
        foreach (var r in runs)
            L(FormattableString.Invariant($"| {r.Engine} | {r.DatabaseVersion} | {r.Appeals:N0} | {r.Events:N0} | {r.OpenAppeals:N0} | {r.FillSeconds:F0} s ({r.Appeals / Math.Max(0.001, r.FillSeconds):N0}/s) | {Mib(r.ServerPeakRssKb)} | {Mib(r.ServerWarmupPeakRssKb)} |"));
        L();
        L(FormattableString.Invariant($"First every workload runs {runs[0].WarmupSeconds:0.#} s untimed (the runtime's tiered JIT re-compiles hot code for ~25 s under load); then each workload: {runs[0].WarmupSeconds:0.#} s of warm-up, then {runs[0].DurationSeconds:0.#} s measured, at a fixed concurrency (keep-alive")
            + (" connections, client on the same machine). ops/s counts successful operations; p50/p95/p99 are client-side latencies of one operation."
            + " The app is the published Release build with `Otklik:DemoSeed=false` and `Otklik:Workers=false`; PostgreSQL runs with fsync on."));
        L($"Redmine: {redmineSource}. Limits: intake — `pgbench`, a single-row INSERT per transaction on the same PostgreSQL (fsync on);"
          + " reads — a Kestrel endpoint answering prebuilt bytes of the same size, driven by the same load generator (`Otklik.Load echo`).");
        L("**search** is the staff list filtered by the full-text index (Russian morphology; PostgreSQL tsvector, SQLite FTS5 over"
          + " Lucene stems); **public feed** and **public appeal** are the portal's anonymous `/feed` and `/appeals/{number}` pages"
          + " (output-cached; appeal-page views are counted in memory and written every 5 s). Each workload is one line in `bench/Otklik.Load/Workloads.cs`.");
        L();

        var names = runs.SelectMany(r => r.Workloads.Select(w => w.Name)).Distinct().ToList();
        foreach (var name in names)
        {
            var first = runs.SelectMany(r => r.Workloads).First(w => w.Name == name);
            L($"### {name}");
            L();
            L(FormattableString.Invariant($"`{first.Request}` — concurrency {first.Concurrency}."));
            L();
            L("| engine | Otklik ops/s | p50 ms | p95 ms | p99 ms | errors | Redmine ops/s (p95 ms) | limit ops/s | Otklik/Redmine | Otklik/limit |");
            L("|---|---|---|---|---|---|---|---|---|---|");
            var peer = redmine.GetValueOrDefault(name);
            var limit = pgbench.TryGetValue(name, out var pg) ? (Rate: pg, Label: "pgbench")
                : runs.Select(r => r.Limits.GetValueOrDefault(name)).FirstOrDefault(l => l is not null) is { } pre ? (Rate: pre.Rate, Label: "prebuilt") : (Rate: double.NaN, Label: "");
            foreach (var r in runs)
                if (r.Workloads.FirstOrDefault(w => w.Name == name) is { } w)
                    L(FormattableString.Invariant($"| {r.Engine} | {w.Rate:N1} | {w.P50:F1} | {w.P95:F1} | {w.P99:F1} | {w.Errors} | ")
                      + (peer is null ? "— | " : FormattableString.Invariant($"{peer.Rate:N1} ({peer.P95:F0}) | "))
                      + (double.IsNaN(limit.Rate) ? "— | " : FormattableString.Invariant($"{limit.Rate:N0} ({limit.Label}) | "))
                      + (peer is null ? "— | " : Ratio(w.Rate / peer.Rate) + " | ")
                      + (double.IsNaN(limit.Rate) ? "— |" : FormattableString.Invariant($"{w.Rate / limit.Rate * 100:0.##} % |")));
            if (runs.Select(r => r.Workloads.FirstOrDefault(w => w.Name == name)?.FirstError).FirstOrDefault(e => e is not null) is { } error)
                L($"\nFirst error: `{error.ReplaceLineEndings(" ")}`");
            L();
        }

        L("### Where the two cores went");
        L();
        L("CPU time per operation, read from /proc around each workload (warm-up included, divided by every successful operation): the app,"
          + " PostgreSQL's processes, and the load generator, which shares the machine. **bound** is what the cores could do at these costs"
          + " with nothing else running (cores × 1000 / the sum); **busy** is how much of the machine the workload used (SQLite runs inside the app's"
          + " process: its work counts as the app's). A rate near its bound"
          + " with the machine busy is limited by CPU, not by waiting: only doing less work per operation raises it.");
        L();
        if (pgbench.TryGetValue("select c8", out var selects))
            L(FormattableString.Invariant($"PostgreSQL alone, on the same server: {selects:N0} primary-key SELECTs/s (`pgbench -S`, concurrency 8, its client on the same machine) — a read made of five such statements could reach {selects / 5:N0}/s with no app at all."));
        L();
        L("| workload | engine | ops/s | app ms/op | database ms/op | load generator ms/op | busy | bound ops/s |");
        L("|---|---|---|---|---|---|---|---|");
        foreach (var name in names)
            foreach (var r in runs)
                if (r.Workloads.FirstOrDefault(w => w.Name == name) is { Cpu: { } c } w)
                    L(FormattableString.Invariant($"| {name} | {r.Engine} | {w.Rate:N0} | {c.AppMs:F2} | {c.DatabaseMs:F2} | {c.LoadMs:F2} | {c.BusyPercent:F0} % | {c.Bound:N0} |"));
        L();

        L("### sweep");
        L();
        L("`DeadlineWatch.RunOnceAsync` over the whole database, in the harness's process after the HTTP workloads: a pass at the current moment"
          + " (what every minute costs; the fill left each appeal watched up to the moment it was written) and a pass a day later (a day's due work at once).");
        L();
        L("| engine | open appeals | pass now | pass +1 day |");
        L("|---|---|---|---|");
        foreach (var r in runs.Where(r => r.Sweep is not null))
            L(FormattableString.Invariant($"| {r.Engine} | {r.OpenAppeals:N0} | {r.Sweep!.NowSeconds:F3} s ({r.Sweep.NowAppeals:N0} appeals, {r.Sweep.NowNotices:N0} notices) | {r.Sweep.DaySeconds:F2} s ({r.Sweep.DayAppeals:N0} appeals, {r.Sweep.DayNotices:N0} notices) |"));
        L();
        L(End);

        var path = a.Get("--out", "docs/performance.md");
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Performance notes\n\nFigures measured on the project machine; each section says how to reproduce it.\n\n";
        var section = md.ToString();
        var start = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        text = start >= 0 && end > start
            ? text[..start] + section.TrimEnd('\n') + text[(end + End.Length)..]
            : text.TrimEnd('\n') + "\n\n" + section;
        File.WriteAllText(path, text);
        Console.WriteLine($"== written to {path}");
    }

    /// <summary>Two significant digits below 10 (0.26×, 2.1×), whole numbers above (140×).</summary>
    public static string Ratio(double r) =>
        double.IsNaN(r) ? "—" : r < 1 ? FormattableString.Invariant($"{r:0.##}×") : r < 10 ? FormattableString.Invariant($"{r:0.#}×") : FormattableString.Invariant($"{r:N0}×");

    static string Mib(long? kb) => kb is { } k ? FormattableString.Invariant($"{k / 1024.0:F0} MiB") : "—";

    /// <summary>Lines "NAME TPS" written by bench/run.sh from pgbench's "tps = …".</summary>
    static Dictionary<string, double> ReadPgbench(string path)
    {
        var result = new Dictionary<string, double>();
        if (path.Length == 0 || !File.Exists(path)) return result;
        foreach (var line in File.ReadAllLines(path))
        {
            var i = line.LastIndexOf(' ');
            if (i > 0 && double.TryParse(line[(i + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var tps)) result[line[..i].Trim()] = tps;
        }
        return result;
    }

    /// <summary>bench.js's lines ("create round=1 … rate=17.6/s p50=434.0ms p95=633.0ms …") of this run, or RESULTS.md's figures.</summary>
    static (Dictionary<string, Peer> Figures, string Source, bool MeasuredByBenchJs) ReadRedmine(string path, int appeals, string? measured)
    {
        if (path.Length > 0 && File.Exists(path))
        {
            var figures = new Dictionary<string, Peer>();
            foreach (var line in File.ReadAllLines(path))
                if (PhaseLine().Match(line) is { Success: true } m && PhaseOf.TryGetValue(m.Groups[1].Value, out var name))
                    figures[name] = new(Num(m.Groups[2].Value), Num(m.Groups[3].Value), Num(m.Groups[4].Value));
            if (figures.Count > 0)
                return (figures, "Redmine 5.0.4 (Debian packages, WEBrick, package defaults) measured " + (measured is { Length: > 0 } ? $"**{measured}** (not in this run)" : "**in this run**")
                    + " by `../shared/peers/redmine/bench.js`, concurrency 8", true);
        }
        return (FromResultsMd(appeals), "Redmine 5.0.4, Apache + Passenger ×4, package defaults — **from ../shared/peers/redmine/RESULTS.md, not this run** ("
            + (appeals <= 10_000 ? "its N = 2,000 table" : "its ~100,000-issue table; create from N = 2,000") + "), concurrency 8", false);
    }

    static double Num(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(\w+)\s+round=\d+.*?rate=([\d.]+)/s p50=([\d.]+)ms p95=([\d.]+)ms")]
    private static partial Regex PhaseLine();

    static string Machine()
    {
        string? Field(string file, string prefix) => File.Exists(file)
            ? File.ReadLines(file).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Trim(' ', ':', '\t', '"')
            : null;
        var memKb = Field("/proc/meminfo", "MemTotal")?.Split(' ')[0];
        var mem = long.TryParse(memKb, out var kb) ? FormattableString.Invariant($"{kb / 1024.0 / 1024:F0} GiB") : "? GiB";
        return $"{Environment.ProcessorCount} cores ({Field("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString()}), {mem}, "
               + (Field("/etc/os-release", "PRETTY_NAME=") ?? RuntimeInformation.OSDescription);
    }
}
