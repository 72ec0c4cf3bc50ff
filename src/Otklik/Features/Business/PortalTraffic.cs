using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Data;

namespace Otklik.Features.Business;

/// <summary>A day's page views and visitors of one section of the business portal, as the app counted them (seed 000's fortnightly report).</summary>
public sealed class PortalTrafficDay
{
    public DateOnly Day { get; set; }
    /// <summary>The section's key (<see cref="PortalTraffic.SectionOf"/>): catalogue, measures, recipients, news, … funds.</summary>
    public string Section { get; set; } = "";
    public long Views { get; set; }
    public long Visitors { get; set; }
}

sealed class PortalTrafficDayConfiguration : IEntityTypeConfiguration<PortalTrafficDay>
{
    public void Configure(EntityTypeBuilder<PortalTrafficDay> b)
    {
        b.ToTable("PortalTraffic");
        b.HasKey(t => new { t.Day, t.Section });
        b.Property(t => t.Section).HasMaxLength(40);
    }
}

/// <summary>
/// Counts the business portal's page views and visitors per section, by the app itself — no outside counter and no
/// personal data. A view is a successful GET of a section's page. A visitor is a browser's first view of the section
/// on a (UTC) day: the browser carries a cookie holding only the day and the sections it has seen that day (no id, no
/// address), so nothing on the server knows who came, and any node counts alike. Counts wait in memory and are written
/// every <see cref="Interval"/> (and at shutdown) as additions, so several nodes add up.
/// </summary>
public sealed class PortalTraffic(IServiceScopeFactory scopes, ILogger<PortalTraffic> log, TimeProvider clock) : BackgroundService
{
    public const string Cookie = "otk_sections";
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>The sections counted, in the report's order, with their names.</summary>
    public static readonly (string Key, string Name)[] Sections =
    [
        ("catalogue", "Поддержка бизнеса (каталог мер)"), ("measures", "Страницы мер поддержки"), ("recipients", "Реестр получателей поддержки"),
        ("news", "Новости"), ("events", "Мероприятия"), ("stories", "Истории успеха"), ("official", "Официальная информация"),
        ("analytics", "Рынок / аналитика"), ("institutions", "Институты развития"), ("incubators", "Бизнес-инкубаторы"),
        ("sites", "Бизнес-площадки"), ("funds", "Страницы фондов"), ("subscribe", "Подписка на новые меры"),
    ];

    /// <summary>The section a portal path belongs to, or null for a page that is not the business portal's.</summary>
    public static string? SectionOf(string path)
    {
        if (path == "/business" || path == "/business/") return "catalogue";
        if (!path.StartsWith("/business/", StringComparison.Ordinal)) return null;
        var first = path["/business/".Length..].Split('/', 2)[0];
        return Sections.Any(s => s.Key == first) ? first : null;
    }

    readonly ConcurrentDictionary<(DateOnly Day, string Section), (long Views, long Visitors)> _pending = new();

    public void Count(string section, bool newVisitor)
    {
        var day = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        _pending.AddOrUpdate((day, section), (1, newVisitor ? 1 : 0), (_, v) => (v.Views + 1, v.Visitors + (newVisitor ? 1 : 0)));
    }

    /// <summary>Writes what was counted; tests call it before reading.</summary>
    public async Task<int> FlushAsync(CancellationToken ct = default)
    {
        await _flushing.WaitAsync(ct);
        try
        {
            var taken = new List<((DateOnly Day, string Section) Key, (long Views, long Visitors) Value)>();
            foreach (var key in _pending.Keys)
                if (_pending.TryRemove(key, out var v)) taken.Add((key, v));
            if (taken.Count == 0) return 0;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            foreach (var (key, value) in taken)
            {
                for (var attempt = 0; ; attempt++)
                {
                    var updated = await db.PortalTraffic.Where(t => t.Day == key.Day && t.Section == key.Section)
                        .ExecuteUpdateAsync(s => s.SetProperty(t => t.Views, t => t.Views + value.Views).SetProperty(t => t.Visitors, t => t.Visitors + value.Visitors), ct);
                    if (updated > 0) break;
                    db.PortalTraffic.Add(new PortalTrafficDay { Day = key.Day, Section = key.Section, Views = value.Views, Visitors = value.Visitors });
                    try { await db.SaveChangesAsync(ct); break; }
                    catch (DbUpdateException) when (attempt == 0) { db.ChangeTracker.Clear(); } // another node inserted the day first: add to it
                }
            }
            return taken.Count;
        }
        finally { _flushing.Release(); }
    }

    readonly SemaphoreSlim _flushing = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval);
        try { while (await timer.WaitForNextTickAsync(stop)) await FlushQuietlyAsync(stop); }
        catch (OperationCanceledException) { }
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        // The last counts are written if the host still gives the time; a stop that ran out of it drops them (they are
        // counts, not promises), and never fails the shutdown.
        try { await FlushQuietlyAsync(ct); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            log.LogInformation("Business portal traffic of the last seconds were not written: the shutdown ran out of time");
        }
    }

    async Task FlushQuietlyAsync(CancellationToken ct)
    {
        try { await FlushAsync(ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!Infrastructure.DatabaseOutage.IsUnavailable(e)) log.LogWarning(e, "Business portal traffic was not written; it is dropped");
        }
    }
}

/// <summary>Counts a business-portal page after it answered 200 (<see cref="PortalTraffic"/>); put first in the pipeline by a startup filter.</summary>
sealed class PortalTrafficCounter(RequestDelegate next, PortalTraffic traffic, TimeProvider clock)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var section = HttpMethods.IsGet(http.Request.Method) ? PortalTraffic.SectionOf(http.Request.Path.Value ?? "") : null;
        if (section is null) { await next(http); return; }
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var seen = http.Request.Cookies[PortalTraffic.Cookie] is { } c && c.StartsWith(today + ":", StringComparison.Ordinal)
            ? c[(today.Length + 1)..].Split('.', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal) : [];
        var isNew = !seen.Contains(section);
        http.Response.OnStarting(() =>
        {
            if (isNew && http.Response.StatusCode == StatusCodes.Status200OK)
                http.Response.Cookies.Append(PortalTraffic.Cookie, today + ":" + string.Join('.', seen.Append(section)), new CookieOptions
                {
                    HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, Path = "/business", MaxAge = TimeSpan.FromDays(1), IsEssential = true,
                });
            return Task.CompletedTask;
        });
        await next(http);
        if (http.Response.StatusCode == StatusCodes.Status200OK) traffic.Count(section, isNew);
    }
}

sealed class PortalTrafficStartup : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<PortalTrafficCounter>();
        next(app);
    };
}
