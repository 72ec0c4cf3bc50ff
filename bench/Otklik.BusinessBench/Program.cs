using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Data;
using Otklik.Features.Business;
using Otklik.Features.Directory;
using Otklik.Load;

// Issue 23's figures: the public catalogue search (MeasureCatalogue.FindAsync) at 5,000 measures and the public
// register search (RecipientRegister.SearchAsync) at 1,000,000 recipient rows, in process, the same calls the pages
// and the API make. The baseline, measured in the same run on the same database: one published measure read by its id.
//   dotnet bench/Otklik.BusinessBench/bin/Release/net10.0/Otklik.BusinessBench.dll --engine sqlite|postgres --connection CS
//     [--measures 5000] [--recipients 1000000] [--report FILE]
string Get(string name, string fallback) { var i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback; }
var engine = Get("--engine", "sqlite");
var connection = Get("--connection", engine == "postgres" ? "Host=127.0.0.1;Username=postgres;Database=otklik_bizbench" : "Data Source=/tmp/otklik-bizbench.db");
var measureCount = int.Parse(Get("--measures", "5000"), CultureInfo.InvariantCulture);
var recipientCount = int.Parse(Get("--recipients", "1000000"), CultureInfo.InvariantCulture);
var report = Get("--report", "");

var services = new ServiceCollection();
if (engine == "postgres")
{
    services.AddDbContext<PostgresAppDbContext>(o => o.UseNpgsql(connection));
    services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<PostgresAppDbContext>());
}
else
{
    services.AddDbContext<SqliteAppDbContext>(o => o.UseSqlite(connection));
    services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<SqliteAppDbContext>());
}
await using var provider = services.BuildServiceProvider();
var now = new DateTime(2026, 12, 1, 6, 0, 0, DateTimeKind.Utc);
var random = new Random(23);
var funds = new List<Guid>();
var sampleInns = new List<string>();
var fill = Stopwatch.StartNew();
await using (var scope = provider.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
    await db.Database.EnsureDeletedAsync();
    await Database.MigrateAsync(db, CancellationToken.None);
    var region = Organisation.Create(Guid.CreateVersion7(), "Правительство области", "Правительство", OrganisationKind.Region, null, "Asia/Yekaterinburg");
    db.Organisations.Add(region);
    for (var i = 0; i < 40; i++)
    {
        var id = Guid.CreateVersion7();
        funds.Add(id);
        db.Organisations.Add(Organisation.Create(id, $"Фонд поддержки предпринимательства № {i + 1}", $"Фонд {i + 1}", OrganisationKind.Fund, region, "Asia/Yekaterinburg"));
    }
    await db.SaveChangesAsync();

    // Measures: titles and summaries from the words entrepreneurs search with, every form, kinds, sectors and amounts.
    string[] forms = ["Субсидия", "Грант", "Микрозаём", "Поручительство", "Льготная аренда", "Консультации", "Обучение"];
    string[] purposes = ["на покупку оборудования", "на модернизацию производства", "на пополнение оборотных средств", "на первый взнос по лизингу",
        "на аренду помещения", "на выход на экспорт", "на сертификацию продукции", "на открытие кафе", "на развитие сельского хозяйства",
        "на строительство цеха", "на ремонт помещения", "на участие в выставке", "на создание рабочих мест", "на энергосбережение", "на цифровизацию"];
    string[] whom = ["начинающим предпринимателям", "социальным предприятиям", "молодым предпринимателям", "фермерам", "ремесленникам",
        "производственным предприятиям", "экспортёрам", "предприятиям общепита", "IT-компаниям", "туристическим компаниям"];
    string[] okved = ["", "", "10", "10, 11", "01", "56", "62, 63", "25, 28", "47", "55, 79", "16, 22"];
    var measures = new List<SupportMeasure>();
    for (var i = 0; i < measureCount; i++)
    {
        var form = (SupportForm)random.Next(7);
        var title = $"{forms[(int)form]} {purposes[random.Next(purposes.Length)]} № {i + 1}";
        var summary = $"Поддержка {whom[random.Next(whom.Length)]} {purposes[random.Next(purposes.Length)]}.";
        long? max = form is SupportForm.Consulting or SupportForm.Training ? null : random.Next(1, 500) * 100_000L;
        measures.Add(SupportMeasure.Create(new(title, summary, form, max, max is null ? "бесплатно" : $"до {max:N0} ₽", (BusinessKinds)random.Next(1, 8),
            okved[random.Next(okved.Length)], null, "Регистрация в области\nНет задолженности по налогам", "Заявление", null, null, funds[random.Next(funds.Count)],
            null, null, random.Next(10) < 9), now));
    }
    await BulkWriter.WriteAsync(db, measures, CancellationToken.None);

    // Recipients: the funds' monthly uploads, 1,000 rows each, names and ИНН drawn from a large set.
    string[] adjectives = ["Уральский", "Северный", "Горный", "Новый", "Речной", "Лесной", "Городской", "Добрый", "Быстрый", "Светлый", "Сибирский", "Каменный"];
    string[] nouns = ["хлеб", "мастер", "строитель", "двор", "сад", "металл", "текстиль", "дом", "мёд", "камень", "кедр", "вектор", "поток", "стиль"];
    string[] lastNames = ["Иванов", "Петрова", "Смирнов", "Кузнецова", "Попов", "Васильева", "Соколов", "Михайлова", "Новиков", "Фёдорова", "Морозов", "Волкова"];
    const int perUpload = 1000;
    var written = 0;
    for (var u = 0; written < recipientCount; u++)
    {
        var upload = new RecipientUpload
        {
            Id = Guid.CreateVersion7(), OrganisationId = funds[u % funds.Count], Month = new DateOnly(2026, 12, 1).AddMonths(-(u / funds.Count) - 1),
            FileName = "reestr.xlsx", UploadedAtUtc = now,
        };
        var rows = new List<SupportRecipient>(perUpload);
        for (var r = 0; r < perUpload && written < recipientCount; r++, written++)
        {
            var person = random.Next(3) == 0;
            var name = person ? $"ИП {lastNames[random.Next(lastNames.Length)]} {(char)('А' + random.Next(28))}. {(char)('А' + random.Next(28))}."
                : $"ООО «{adjectives[random.Next(adjectives.Length)]} {nouns[random.Next(nouns.Length)]} {random.Next(1, 5000)}»";
            var inn = person ? random.NextInt64(100_000_000_000, 999_999_999_999).ToString(CultureInfo.InvariantCulture)
                : random.NextInt64(1_000_000_000, 9_999_999_999).ToString(CultureInfo.InvariantCulture);
            if (random.Next(20_000) == 0) sampleInns.Add(inn);
            rows.Add(new SupportRecipient
            {
                Id = Guid.CreateVersion7(), UploadId = upload.Id, OrganisationId = upload.OrganisationId, Month = upload.Month, Name = name, NameKey = name.ToLowerInvariant(),
                Inn = inn, Form = "Финансовая", Kind = "Микрозаём", AmountKopecks = random.Next(1, 5000) * 100_000L, DecidedOn = upload.Month.AddDays(random.Next(28)),
            });
        }
        upload.RowCount = rows.Count;
        await BulkWriter.WriteAsync(db, new[] { upload }, CancellationToken.None);
        await BulkWriter.WriteAsync(db, rows, CancellationToken.None);
        if (u % 50 == 0) Console.Error.Write($"\r  recipients: {written:N0} / {recipientCount:N0}");
    }
    Console.Error.WriteLine();
    // One VACUUM a command: two in one command run as one transaction block, which VACUUM refuses.
    if (db.IsPostgres)
    {
        await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE \"SupportRecipients\"");
        await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE \"SupportMeasures\"");
    }
    else await db.Database.ExecuteSqlRawAsync("ANALYZE;");
}
Console.WriteLine($"{engine}: filled {measureCount:N0} measures and {recipientCount:N0} recipient rows in {fill.Elapsed.TotalSeconds:F0} s");

async Task<(double P50, double P95, int Runs)> Measure(string label, int runs, Func<AppDbContext, int, Task> call)
{
    var times = new List<double>();
    for (var i = -5; i < runs; i++)
    {
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var watch = Stopwatch.StartNew();
        await call(db, i + 5);
        if (i >= 0) times.Add(watch.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    double P(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label}: p50 {P(0.5):F1} ms, p95 {P(0.95):F1} ms ({runs} runs)"));
    return (P(0.5), P(0.95), runs);
}

List<Guid> ids;
await using (var s = provider.CreateAsyncScope())
    ids = await s.ServiceProvider.GetRequiredService<AppDbContext>().SupportMeasures.Where(m => m.IsPublished).Select(m => m.Id).Take(200).ToListAsync();
var baseline = await Measure("baseline: one measure by id", 200, (db, i) => db.SupportMeasures.AsNoTracking().SingleAsync(m => m.Id == ids[i % ids.Count] && m.IsPublished));
MeasureCatalogue.Filter[] filters =
[
    new("субсидии на оборудование", null, null, null, null, null, null),
    new("микрозайм", BusinessKinds.SoleTrader, "10.71", null, null, null, null),
    new(null, BusinessKinds.Small, null, null, SupportForm.Grant, 1_000_000, null),
    new("экспорт выставка", BusinessKinds.Medium, null, null, null, null, null),
    new(null, null, null, null, null, null, null),
];
var catalogue = await Measure("catalogue search (5 filter mixes in turn)", 200, async (db, i) => await MeasureCatalogue.FindAsync(db, filters[i % filters.Length], default));
string[] names = ["уральский хлеб", "мастер 12", "иванов", "кедр", "речной дом 4"];
var byName = await Measure("register by a part of the name", 60, async (db, i) => await RecipientRegister.SearchAsync(db, names[i % names.Length], 100, default));
var byInn = await Measure("register by ИНН", 200, async (db, i) => await RecipientRegister.SearchAsync(db, sampleInns[i % sampleInns.Count], 100, default));

if (report.Length > 0)
{
    string Row(string what, (double P50, double P95, int Runs) r) => string.Create(CultureInfo.InvariantCulture,
        $"| {(engine == "postgres" ? "PostgreSQL" : "SQLite")} | {what} | {r.P50:F1} ms | {r.P95:F1} ms | ×{r.P95 / baseline.P95:0.#} |");
    await File.AppendAllLinesAsync(report, [
        Row("baseline: one measure by id", baseline),
        Row($"catalogue search, {measureCount:N0} measures", catalogue),
        Row($"register by a part of the name, {recipientCount:N0} rows", byName),
        Row($"register by ИНН, {recipientCount:N0} rows", byInn)]);
}
