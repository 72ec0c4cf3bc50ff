using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Otklik.Load;

/// <summary>
/// One workload: a name, the request it sends (as the report shows it), its concurrency, and the operation one worker
/// repeats. An operation is one request ("read" asks for the appeal with its history in one, as a card needs them).
/// </summary>
public sealed record Workload(string Name, string Request, int Concurrency, Func<Worker, Task> Operation)
{
    /// <summary>Redmine's figure for the same work, when there is one (bench.js phase: create, list, get, update, search).</summary>
    public string? RedminePhase { get; init; }
    /// <summary>The limit to compare with: "pgbench" (durable single-row insert) or "prebuilt" (a Kestrel endpoint answering bytes of the same size).</summary>
    public string? Limit { get; init; }
}

/// <summary>What one run of a workload gave: operations per second, latency percentiles (ms) and errors.</summary>
public sealed record LoadResult(string Name, string Request, int Concurrency, int Operations, int Errors, double Seconds, double Rate,
    double P50, double P95, double P99, double BytesPerOperation, double RequestsPerOperation, string? FirstError)
{
    public long? ServerRssKb { get; set; }
    /// <summary>Successful operations, warm-up included: what the CPU measured over the whole run was spent on.</summary>
    public long AllOperations { get; init; }
    public CpuShare? Cpu { get; set; }
}

/// <summary>A failed operation: the wrong status or no answer.</summary>
public sealed class LoadFailureException(string message) : Exception(message);

/// <summary>
/// The state of one of a workload's concurrent loops: its index (workloads give each worker its own rows), a seeded
/// random, and the calls. Each call checks the status it expects and counts the bytes it received.
/// </summary>
public sealed class Worker(HttpClient http, int index, int concurrency)
{
    public int Index { get; } = index;
    public int Concurrency { get; } = concurrency;
    public Random Random { get; } = new(1000 + index);
    /// <summary>How many operations this worker has started (warm-up included).</summary>
    public long Iteration { get; internal set; }
    internal long Bytes;
    internal int Requests;

    public Task<string> GetAsync(string url, string? key = null, HttpStatusCode expect = HttpStatusCode.OK) =>
        SendAsync(HttpMethod.Get, url, key, null, null, expect);

    public Task<string> PostAsync(string url, string? key, string json, HttpStatusCode expect = HttpStatusCode.OK, string? idempotencyKey = null,
        (string Name, string Value)? header = null) =>
        SendAsync(HttpMethod.Post, url, key, json, idempotencyKey, expect, header);

    async Task<string> SendAsync(HttpMethod method, string url, string? key, string? json, string? idempotencyKey, HttpStatusCode expect,
        (string Name, string Value)? header = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (header is { } h) request.Headers.Add(h.Name, h.Value);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Interlocked.Add(ref Bytes, Encoding.UTF8.GetByteCount(body));
        Requests++;
        if (response.StatusCode != expect)
            throw new LoadFailureException($"{method} {url} → {(int)response.StatusCode}, expected {(int)expect}: {(body.Length > 300 ? body[..300] : body)}");
        return body;
    }
}

public static class LoadRunner
{
    /// <summary>A client that keeps one connection per worker open, as bench.js does (keep-alive).</summary>
    public static HttpClient Client(Uri baseAddress, int concurrency) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5), UseCookies = false })
        {
            BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2),
        };

    /// <summary>
    /// Runs <paramref name="workload"/> with its fixed concurrency: a warm-up whose operations are not counted, then
    /// <paramref name="duration"/> (or until <paramref name="maxOperations"/> are done) of measured operations. Errors are
    /// counted in both phases, so a smoke test sees every failure.
    /// </summary>
    public static Task<LoadResult> RunAsync(Workload workload, Uri baseAddress, TimeSpan warmup, TimeSpan duration, int? maxOperations = null,
        CancellationToken ct = default) => RunAsync(workload, [baseAddress], warmup, duration, maxOperations, ct);

    /// <summary>
    /// The same against several nodes of one deployment: worker i keeps its connection to node i mod N — what a proxy
    /// balancing connections round-robin does (nginx's default upstream).
    /// </summary>
    public static async Task<LoadResult> RunAsync(Workload workload, IReadOnlyList<Uri> nodes, TimeSpan warmup, TimeSpan duration, int? maxOperations = null,
        CancellationToken ct = default)
    {
        var clients = nodes.Select(n => Client(n, workload.Concurrency)).ToArray();
        try { return await RunOnAsync(workload, i => clients[i % clients.Length], warmup, duration, maxOperations, ct); }
        finally { foreach (var c in clients) c.Dispose(); }
    }

    static async Task<LoadResult> RunOnAsync(Workload workload, Func<int, HttpClient> clientOf, TimeSpan warmup, TimeSpan duration, int? maxOperations,
        CancellationToken ct)
    {
        var latencies = new List<double>[workload.Concurrency];
        var workers = new Worker[workload.Concurrency];
        int errors = 0, measured = 0, succeeded = 0;
        string? firstError = null;
        long measuredBytes = 0, measuredRequests = 0;
        var clock = Stopwatch.StartNew();
        var measureFrom = warmup;
        var measureUntil = warmup + duration;
        var measuredStop = TimeSpan.Zero;

        async Task LoopAsync(int i)
        {
            var worker = workers[i] = new Worker(clientOf(i), i, workload.Concurrency);
            var mine = latencies[i] = [];
            while (!ct.IsCancellationRequested)
            {
                var started = clock.Elapsed;
                if (started >= measureUntil) return;
                if (maxOperations is { } max && started >= measureFrom && Volatile.Read(ref measured) >= max) return;
                var bytesBefore = Interlocked.Read(ref worker.Bytes);
                var requestsBefore = worker.Requests;
                var t0 = Stopwatch.GetTimestamp();
                var ok = true;
                try { await workload.Operation(worker); }
                catch (Exception e) when (e is LoadFailureException or HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or InvalidOperationException)
                {
                    ok = false;
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
                worker.Iteration++;
                if (ok) Interlocked.Increment(ref succeeded);
                if (ok && started >= measureFrom)
                {
                    mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    Interlocked.Increment(ref measured);
                    Interlocked.Add(ref measuredBytes, Interlocked.Read(ref worker.Bytes) - bytesBefore);
                    Interlocked.Add(ref measuredRequests, worker.Requests - requestsBefore);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workload.Concurrency).Select(i => Task.Run(() => LoopAsync(i), ct)));
        measuredStop = clock.Elapsed;
        // The measured window: from the end of the warm-up to the last operation's end (the in-flight ones finish).
        var seconds = Math.Max(0.001, (measuredStop - measureFrom).TotalSeconds);
        var all = latencies.Where(l => l is not null).SelectMany(l => l).Order().ToArray();
        return new LoadResult(workload.Name, workload.Request, workload.Concurrency, all.Length, errors, seconds, all.Length / seconds,
            Percentile(all, 50), Percentile(all, 95), Percentile(all, 99),
            all.Length == 0 ? 0 : (double)measuredBytes / all.Length, all.Length == 0 ? 0 : (double)measuredRequests / all.Length, firstError)
            { AllOperations = succeeded };
    }

    static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>Starts the process's peak resident memory (VmHWM) afresh from its current size (Linux: 5 → /proc/PID/clear_refs).</summary>
    public static void ResetPeak(int pid)
    {
        try { File.WriteAllText($"/proc/{pid}/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>The peak and current resident memory of a process, in KiB (VmHWM, VmRSS of /proc/PID/status); null where there is no /proc.</summary>
    public static (long? PeakKb, long? CurrentKb) Memory(int pid)
    {
        var path = $"/proc/{pid}/status";
        if (!File.Exists(path)) return (null, null);
        long? Read(string[] lines, string name) => lines.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal)) is { } line
            && long.TryParse(line[(name.Length + 1)..].Trim().Split(' ')[0], out var kb) ? kb : null;
        try
        {
            var lines = File.ReadAllLines(path);
            return (Read(lines, "VmHWM"), Read(lines, "VmRSS"));
        }
        catch (IOException) { return (null, null); }
    }
}
