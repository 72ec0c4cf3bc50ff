using System.Diagnostics;
using System.Globalization;

namespace Otklik.Load;

/// <summary>
/// Where the machine's cores went during a workload: CPU time of the app, of PostgreSQL's processes (every process named
/// "postgres": the pooled backends live as long as the run) and of this load generator, read from /proc before and after.
/// Divided by the operations done, it says what one operation costs in each, and so the most the two cores could do
/// (<see cref="CpuShare.Bound"/>) if nothing else ran — the number that shows whether a target is within reach.
/// </summary>
public sealed record CpuSample(double AppMs, double DatabaseMs, double LoadMs, double BusyMs, double TotalMs)
{
    const double MsPerTick = 10; // USER_HZ = 100 on Linux

    public static CpuSample Read(int appPid) => new(ProcessMs(appPid), PostgresMs(), Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds,
        MachineMs(busy: true), MachineMs(busy: false));

    public static CpuShare Between(CpuSample a, CpuSample b, long operations)
    {
        var ops = Math.Max(1, operations);
        var total = b.TotalMs - a.TotalMs;
        return new((b.AppMs - a.AppMs) / ops, (b.DatabaseMs - a.DatabaseMs) / ops, (b.LoadMs - a.LoadMs) / ops,
            total <= 0 ? double.NaN : (b.BusyMs - a.BusyMs) / total * 100, operations);
    }

    /// <summary>utime + stime of /proc/PID/stat (fields 14 and 15, counted after the command name's closing parenthesis).</summary>
    static double ProcessMs(int pid) => Stat(pid) is { } s ? s.Ticks * MsPerTick : 0;

    /// <summary>
    /// Every live "postgres" process's own time, plus the time of its children that have exited (cutime + cstime: the
    /// postmaster collects its backends' and autovacuum workers' when they end), so a backend closed mid-run still counts.
    /// </summary>
    static double PostgresMs()
    {
        double ms = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { Name: "postgres" } s) ms += (s.Ticks + s.ChildTicks) * MsPerTick;
        return ms;
    }

    static (string Name, long Ticks, long ChildTicks)? Stat(int pid)
    {
        try
        {
            var line = File.ReadAllText($"/proc/{pid}/stat");
            var open = line.IndexOf('(');
            var close = line.LastIndexOf(')');
            var f = line[(close + 2)..].Split(' ').Select(x => long.TryParse(x, CultureInfo.InvariantCulture, out var v) ? v : 0).ToArray();
            return (line[(open + 1)..close], f[11] + f[12], f[13] + f[14]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException) { return null; }
    }

    /// <summary>The "cpu" line of /proc/stat: all cores' busy time (everything but idle and iowait), or all of it.</summary>
    static double MachineMs(bool busy)
    {
        try
        {
            var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            var all = f.Take(8).Sum();
            return (busy ? all - f[3] - f[4] : all) * MsPerTick;
        }
        catch (IOException) { return 0; }
    }
}

/// <summary>CPU milliseconds one operation cost in the app, the database and the load generator; how busy the machine was.</summary>
public sealed record CpuShare(double AppMs, double DatabaseMs, double LoadMs, double BusyPercent, long Operations)
{
    /// <summary>Operations per second the machine's cores could do at these costs, with nothing else running.</summary>
    public double Bound => Environment.ProcessorCount * 1000 / Math.Max(0.001, AppMs + DatabaseMs + LoadMs);
}
