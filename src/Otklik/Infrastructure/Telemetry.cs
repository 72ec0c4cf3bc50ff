using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Otklik.Data;
using Otklik.Features.Appeals;

namespace Otklik.Infrastructure;

/// <summary>
/// What an operator watches (issue 21 item 3, ADR 0029): OpenTelemetry traces of requests, outgoing HTTP, PostgreSQL
/// statements, the outbox and every sweep, exported by OTLP when <c>Otklik:Telemetry:OtlpEndpoint</c> is set; metrics
/// — the framework's (requests, runtime, GC) and the business's own (appeals received per channel, overdue appeals,
/// outbox backlog and failures, sweep durations) — by OTLP and on <c>/metrics</c> in Prometheus' text format, which
/// answers only a configured token or network (so does <c>/health/details</c>, the readiness checks with their figures).
/// </summary>
public static class Telemetry
{
    public const string Name = "Otklik";

    public static readonly ActivitySource Source = new(Name);
    static readonly Meter Meter = new(Name);

    static readonly Counter<long> AppealsReceived = Meter.CreateCounter<long>("otklik.appeals.received", "{appeal}",
        "Appeals taken in on this node, by channel (replays of the same request or channel message are not counted).");

    static readonly Histogram<double> SweepDuration = Meter.CreateHistogram<double>("otklik.sweep.duration", "s",
        "How long one pass of a background sweep took, by sweep.");

    public static readonly Counter<long> DatabaseOutages = Meter.CreateCounter<long>("otklik.database.outages", "{outage}",
        "Times this node found the database unreachable (each outage once).");

    public static void AppealReceived(Channel channel) => AppealsReceived.Add(1, new KeyValuePair<string, object?>("channel", channel.ToString()));

    public static void SweepPassed(string sweep, TimeSpan took, bool failed) =>
        SweepDuration.Record(took.TotalSeconds, new KeyValuePair<string, object?>("sweep", sweep), new KeyValuePair<string, object?>("failed", failed));

    public static IServiceCollection AddOtklikTelemetry(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<BusinessGauges>();
        var otlp = config["Otklik:Telemetry:OtlpEndpoint"] is { Length: > 0 } endpoint && !string.IsNullOrWhiteSpace(endpoint) ? new Uri(endpoint) : null;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(config["OTEL_SERVICE_NAME"] ?? "otklik", serviceInstanceId: Environment.MachineName))
            .WithMetrics(m =>
            {
                m.AddMeter(Name, BusinessGauges.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                if (otlp is not null) m.AddOtlpExporter(o => o.Endpoint = otlp);
            });
        // Traces cost a little on every request; they are collected only when there is somewhere to send them.
        if (otlp is not null)
            telemetry.WithTracing(t => t.AddSource(Name).AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/metrics"))
                .AddHttpClientInstrumentation().AddNpgsql().AddOtlpExporter(o => o.Endpoint = otlp));
        return services;
    }

    /// <summary>
    /// <c>/metrics</c> answers a request carrying <c>Authorization: Bearer {Otklik:Metrics:Token}</c> or coming from one
    /// of <c>Otklik:Metrics:KnownNetworks</c>; anyone else — and everyone when neither is set — gets 404, as if there
    /// were no such address. The business gauges are read from the database at most every 5 s, just before the answer.
    /// </summary>
    public static WebApplication MapOtklikMetrics(this WebApplication app, IConfiguration config)
    {
        var token = config["Otklik:Metrics:Token"] is { Length: > 0 } t && !string.IsNullOrWhiteSpace(t) ? Encoding.UTF8.GetBytes(t.Trim()) : null;
        var networks = (config["Otklik:Metrics:KnownNetworks"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => System.Net.IPNetwork.TryParse(n, out var network) ? network
                : throw new FormatException($"Otklik:Metrics:KnownNetworks: '{n}' is not a network such as 10.0.0.0/8."))
            .ToList();
        app.UseWhen(http => http.Request.Path.Equals("/metrics", StringComparison.OrdinalIgnoreCase)
            || http.Request.Path.Equals("/health/details", StringComparison.OrdinalIgnoreCase), branch => branch.Use(async (http, next) =>
        {
            if (!Allowed(http, token, networks))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            if (http.Request.Path.Equals("/metrics", StringComparison.OrdinalIgnoreCase))
                await http.RequestServices.GetRequiredService<BusinessGauges>().RefreshAsync(http.RequestServices, http.RequestAborted);
            await next(http);
        }));
        app.MapPrometheusScrapingEndpoint("/metrics");
        // Every check with its figures (the outbox's backlog among them), for the same readers as /metrics.
        app.MapHealthChecks("/health/details", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { ResponseWriter = HealthReportJson.WriteAsync });
        return app;
    }

    static bool Allowed(HttpContext http, byte[]? token, List<System.Net.IPNetwork> networks)
    {
        if (token is not null && http.Request.Headers.Authorization.ToString() is { } header
            && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[7..].Trim()), token))
            return true;
        var address = http.Connection.RemoteIpAddress;
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return networks.Any(n => n.Contains(address));
    }
}

/// <summary>
/// The business figures that live in the database — open appeals past their due time, the outbox's backlog, its
/// retried and given-up letters — read at most every 5 s (a scrape, a health check) and observed by the meter.
/// </summary>
public sealed class BusinessGauges : IDisposable
{
    public const string MeterName = Telemetry.Name + ".Business";

    readonly SemaphoreSlim _gate = new(1, 1);
    readonly TimeProvider _clock;
    readonly Meter _meter;
    long _readAt = long.MinValue / 2; // never read: far enough back not to overflow the subtraction

    public BusinessGauges(TimeProvider clock)
    {
        _clock = clock;
        var meter = _meter = new Meter(MeterName);
        meter.CreateObservableGauge("otklik.appeals.overdue", () => Overdue, "{appeal}", "Open appeals past their due time (not paused).");
        meter.CreateObservableGauge("otklik.outbox.backlog", () => Backlog, "{message}", "Outbox messages not yet delivered.");
        meter.CreateObservableGauge("otklik.outbox.retrying", () => Retrying, "{message}", "Undelivered outbox messages that failed at least once.");
        meter.CreateObservableGauge("otklik.outbox.failed", () => GivenUp, "{message}", "Outbox messages given up after every attempt.");
        meter.CreateObservableGauge("otklik.outbox.oldest_age", () => OldestAgeSeconds, "s", "Age of the oldest undelivered outbox message.");
    }

    public void Dispose()
    {
        _meter.Dispose();
        _gate.Dispose();
    }

    public long Overdue { get; private set; }
    public long Backlog { get; private set; }
    public long Retrying { get; private set; }
    public long GivenUp { get; private set; }
    public double OldestAgeSeconds { get; private set; }

    public async Task RefreshAsync(IServiceProvider services, CancellationToken ct)
    {
        // The interval is real time (a test's frozen clock must not freeze the figures); "overdue" is the app's time.
        if (Environment.TickCount64 - Interlocked.Read(ref _readAt) < 5000) return;
        await _gate.WaitAsync(ct);
        try
        {
            if (Environment.TickCount64 - Interlocked.Read(ref _readAt) < 5000) return;
            var now = _clock.GetUtcNow().UtcDateTime;
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var maxAttempts = scope.ServiceProvider.GetService<Features.Mail.MailSettings>()?.MaxAttempts ?? 20;
            var terminal = Appeal.Terminal;
            Overdue = await db.Appeals.LongCountAsync(a => !terminal.Contains(a.Status) && a.Status != AppealStatus.AnswerSent
                && a.PausedAtUtc == null && a.DueAtUtc < now, ct);
            Backlog = await db.Outbox.LongCountAsync(m => m.ProcessedAtUtc == null, ct);
            Retrying = await db.Outbox.LongCountAsync(m => m.ProcessedAtUtc == null && m.Attempts > 0, ct);
            GivenUp = await db.Outbox.LongCountAsync(m => m.ProcessedAtUtc != null && m.LastError != null && m.Attempts >= maxAttempts, ct);
            var oldest = await db.Outbox.Where(m => m.ProcessedAtUtc == null).OrderBy(m => m.CreatedAtUtc).Select(m => (DateTime?)m.CreatedAtUtc).FirstOrDefaultAsync(ct);
            OldestAgeSeconds = oldest is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0;
            Interlocked.Exchange(ref _readAt, Environment.TickCount64);
        }
        finally { _gate.Release(); }
    }
}

/// <summary>
/// The outbox in the readiness report: its backlog, retried and given-up letters, and the oldest one's age. It reports
/// and does not judge: a node stays ready with a backlog (alert on otklik_outbox_oldest_age_seconds instead,
/// docs/operations.md), since taking nodes out of nginx would not deliver a single letter.
/// </summary>
public sealed class OutboxHealthCheck(BusinessGauges gauges, IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        await gauges.RefreshAsync(services, ct);
        var data = new Dictionary<string, object>
        {
            ["backlog"] = gauges.Backlog, ["retrying"] = gauges.Retrying, ["failed"] = gauges.GivenUp,
            ["oldestAgeSeconds"] = Math.Round(gauges.OldestAgeSeconds),
        };
        return HealthCheckResult.Healthy($"{gauges.Backlog} letters waiting, the oldest for {gauges.OldestAgeSeconds:0} s.", data);
    }
}

/// <summary>The readiness report as JSON: the overall state and each check's state, description and figures.</summary>
public static class HealthReportJson
{
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        return http.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data,
            }),
        });
    }
}
