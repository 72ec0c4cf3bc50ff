using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Bench;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;

// The deadline sweep over N open appeals (issue 3): how long one pass takes when a realistic share is due, and how
// long the next pass takes when nothing is (the cost of looking). Usage:
//   dotnet run -c Release --project bench/Otklik.Bench -- --engine sqlite|postgres [--appeals 100000] [--connection CS]
var options = Args.Parse(args);
var services = new ServiceCollection();
var now = new DateTime(2026, 11, 23, 7, 0, 0, DateTimeKind.Utc);
services.AddSingleton<TimeProvider>(new FixedClock(now));
if (options.Engine == "postgres")
{
    services.AddDbContext<PostgresAppDbContext>(o => o.UseNpgsql(options.Connection));
    services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<PostgresAppDbContext>());
}
else
{
    services.AddDbContext<SqliteAppDbContext>(o => o.UseSqlite(options.Connection));
    services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<SqliteAppDbContext>());
}
services.AddSingleton<DeadlineClocks>();
await using var provider = services.BuildServiceProvider();

await using (var scope = provider.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
    await db.Database.EnsureDeletedAsync();
    await Database.MigrateAsync(db, CancellationToken.None);
    await DeadlineData.EnsureAsync(db, now, CancellationToken.None);
}
var fill = Stopwatch.StartNew();
await Fill.AppealsAsync(provider, options.Appeals, now);
Console.Error.WriteLine();
Console.WriteLine($"filled {options.Appeals:N0} open appeals in {fill.Elapsed.TotalSeconds:F1} s ({options.Appeals / fill.Elapsed.TotalSeconds:F0}/s)");

var rows = new List<(string Pass, double Seconds, int Appeals, int Notices)>();
foreach (var pass in new[] { "first pass (due work)", "second pass (nothing due)" })
{
    await using var scope = provider.CreateAsyncScope();
    var sp = scope.ServiceProvider;
    var watch = Stopwatch.StartNew();
    var result = await DeadlineWatch.RunOnceAsync(sp.GetRequiredService<AppDbContext>(), sp.GetRequiredService<DeadlineClocks>(), now, CancellationToken.None);
    rows.Add((pass, watch.Elapsed.TotalSeconds, result.Appeals, result.Notices));
    Console.WriteLine($"{pass}: {watch.Elapsed.TotalSeconds:F2} s, {result.Appeals:N0} appeals moved, {result.Notices:N0} notices");
}
double recompute;
await using (var scope = provider.CreateAsyncScope())
{
    var sp = scope.ServiceProvider;
    var watch = Stopwatch.StartNew();
    var count = await CalendarApi.RecomputeOpenAppealsAsync(sp.GetRequiredService<AppDbContext>(), sp.GetRequiredService<DeadlineClocks>(), now, CancellationToken.None);
    recompute = watch.Elapsed.TotalSeconds;
    Console.WriteLine($"recompute after a calendar change: {recompute:F2} s for {count:N0} open appeals");
}
if (options.Report is { } report)
{
    var line = string.Create(CultureInfo.InvariantCulture,
        $"| {options.Engine} | {options.Appeals:N0} | {rows[0].Seconds:F2} s ({rows[0].Appeals:N0} appeals, {rows[0].Notices:N0} notices; {rows[0].Notices / rows[0].Seconds:F0} notices/s) | {rows[1].Seconds:F3} s | {recompute:F1} s ({options.Appeals / recompute:F0} appeals/s) |");
    await File.AppendAllLinesAsync(report, [line]);
}

namespace Otklik.Bench
{
    sealed record Args(string Engine, int Appeals, string Connection, string? Report)
    {
        public static Args Parse(string[] args)
        {
            string Get(string name, string fallback)
            {
                var i = Array.IndexOf(args, name);
                return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
            }
            var engine = Get("--engine", "sqlite").ToLowerInvariant();
            var connection = Get("--connection", engine == "postgres" ? "Host=127.0.0.1;Port=5432;Username=postgres;Database=otklik_bench" : "Data Source=/tmp/otklik-bench.db");
            var report = Get("--report", "");
            return new(engine, int.Parse(Get("--appeals", "100000"), CultureInfo.InvariantCulture), connection, report.Length == 0 ? null : report);
        }
    }

    sealed class FixedClock(DateTime utc) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(utc, TimeSpan.Zero);
    }

    static class Fill
    {
        /// <summary>
        /// Open appeals registered over the past 45 days, through the entity's own methods (submit, route, register,
        /// assign, start) so their deadlines and watch moments are what production would store. Written in batches.
        /// </summary>
        public static async Task AppealsAsync(IServiceProvider provider, int count, DateTime now)
        {
            var random = new Random(2026);
            Guid regionId = Guid.CreateVersion7(), centreId = Guid.CreateVersion7(), categoryId = Guid.CreateVersion7();
            var executors = Enumerable.Range(0, 8).Select(_ => Guid.CreateVersion7()).ToArray();
            DeadlineClock clock;
            await using (var scope = provider.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                var region = Organisation.Create(regionId, "Правительство области", "Правительство", OrganisationKind.Region, null, "Asia/Yekaterinburg");
                db.Organisations.Add(region);
                db.Organisations.Add(Organisation.Create(centreId, "Центр управления регионом", "ЦУР", OrganisationKind.CentreOfManagement, region, "Asia/Yekaterinburg"));
                for (var i = 0; i < executors.Length; i++)
                    db.Organisations.Add(Organisation.Create(executors[i], $"Исполнитель {i + 1}", $"Исп. {i + 1}", OrganisationKind.Ministry, region, "Asia/Yekaterinburg"));
                db.Categories.Add(new Category { Id = categoryId, Name = "Городское благоустройство", Audience = ApplicantAudience.Citizens });
                await db.SaveChangesAsync();
                var (calendar, rules) = await scope.ServiceProvider.GetRequiredService<DeadlineClocks>().LoadAsync(CancellationToken.None);
                clock = DeadlineClocks.For(calendar, rules, region);
            }
            var regimes = new[] { LegalRegime.Obrashchenie59, LegalRegime.PlatformMessage, LegalRegime.BusinessConsultation, LegalRegime.SocialIncident };
            var kinds = Enum.GetValues<AppealKind>();
            const int batch = 2000;
            for (var done = 0; done < count; done += batch)
            {
                await using var scope = provider.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                for (var i = done; i < Math.Min(count, done + batch); i++)
                {
                    var received = now - TimeSpan.FromMinutes(random.Next(10, 45 * 24 * 60));
                    var regime = regimes[random.Next(regimes.Length)];
                    var draft = new Appeal.Draft(AppealType.Problem, kinds[random.Next(kinds.Length)], regime, Channel.Portal, null,
                        new ApplicantInfo { Kind = ApplicantKind.Person, LastName = "Иванов", FirstName = "Иван", Email = "ivanov@example.ru" },
                        null, null, categoryId, null, null, "ул. Ленина, 1", null, null,
                        "Во дворе не вывозят мусор третью неделю, контейнеры переполнены.", false, false, centreId, null, null);
                    var appeal = Appeal.Submit(draft, 2026, i + 1, received, clock);
                    var stage = random.Next(10);
                    if (stage > 0)
                    {
                        var at = received.AddHours(random.Next(1, 40));
                        if (at > now) at = now;
                        appeal.Route(executors[random.Next(executors.Length)], null, null, at);
                        appeal.Register(Guid.Empty, at);
                        if (stage > 3) { appeal.Assign(Guid.CreateVersion7(), Guid.Empty, at); appeal.StartWork(Guid.Empty, at); }
                        appeal.ApplyDeadlines(clock, at);
                    }
                    db.Appeals.Add(appeal);
                }
                db.ChangeTracker.DetectChanges();
                await db.SaveChangesAsync();
                Console.Error.Write($"\r  filling: {Math.Min(count, done + batch):N0} / {count:N0} ({100.0 * Math.Min(count, done + batch) / count:F0}%)");
            }
            await using (var scope = provider.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                db.AppealCounters.Add(new AppealCounter { Year = 2026, Last = count });
                await db.SaveChangesAsync();
            }
        }
    }
}
