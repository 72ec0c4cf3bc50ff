using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Tests.Api;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Workspace;

/// <summary>The list of all appeals in the workspace (/office/appeals): filters, keyset pages, scope and the exports.</summary>
public sealed class AppealsListPagesTests(AppPool pool) : IClassFixture<AppPool>
{
    static readonly TimeZoneInfo Yekaterinburg = TimeZoneInfo.FindSystemTimeZoneById("Asia/Yekaterinburg");

    static string Local(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Yekaterinburg).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture);

    static async Task<HashSet<string>> ShownAsync(HttpClient office, string query) =>
        [.. Office.Numbers(await office.HtmlAsync("/office/appeals?" + query))];

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Each_filter_of_the_form_narrows_the_rows_and_the_rows_show_what_the_database_holds(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var moderationA = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideA, "Глубокая яма у школы № 5, дети обходят по проезжей части."));
        var assignedB = await app.AppealInAsync(AppealStatus.Assigned, Samples.Pothole(r, TestRegion.InsideB, "Яма на перекрёстке улиц Мира и Гагарина, бьются колёса."));
        var subsidy = await app.ActAsync(Persona.CentreModerator, await app.SubmitAsync(Samples.Subsidy(r)), "register");
        var housing = await app.ActAsync(Persona.CentreModerator, await app.SubmitAsync(Samples.Housing(r)), "register", new { organisationId = r.MunA });
        var hotline = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideA, "Звонок на горячую линию: провал асфальта у остановки «Рынок».")
            .With("channel", "hotline"), Persona.CentreOperator);
        var rejected = await app.AppealInAsync(AppealStatus.Rejected, Samples.Pothole(r, TestRegion.InsideA, "Реклама: ремонт ям недорого, звоните."));
        var paused = await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(r, TestRegion.InsideA, "Провалился люк у гаражного кооператива «Север»."));
        paused = await app.ActAsync(Persona.MunAExecutor, paused, "pause", new { request = "Уточните, какой именно люк: у въезда или у третьего ряда?" });
        var all = new[] { moderationA, assignedB, subsidy, housing, hotline, rejected, paused };
        HashSet<string> N(params AppealView[] appeals) => [.. appeals.Select(a => a.Number)];

        var office = await Office.SignInAsync(app, Persona.CentreModerator);
        Assert.Equal(N(all), await ShownAsync(office, ""));
        Assert.Equal(N(moderationA, hotline), await ShownAsync(office, "status=moderation"));
        Assert.Equal(N(assignedB, subsidy, housing), await ShownAsync(office, "status=registered&status=assigned"));
        Assert.Equal(N(assignedB), await ShownAsync(office, $"organisationId={r.MunB}"));
        Assert.Equal(N(subsidy), await ShownAsync(office, $"categoryId={r.BusinessCategory}"));
        Assert.Equal(N(housing), await ShownAsync(office, $"categoryId={r.CityCategory}&topicId={r.HousingTopic}"));
        Assert.Equal(N(moderationA, hotline, rejected, paused), await ShownAsync(office, $"territoryId={r.TerritoryA}"));
        Assert.Equal(N(hotline), await ShownAsync(office, "channel=hotline"));
        Assert.Equal(N(housing), await ShownAsync(office, "kind=complaint"));
        Assert.Equal(N(subsidy), await ShownAsync(office, "regime=businessConsultation"));
        // Word forms: «ЯМА» finds «ремонт ям» too.
        Assert.Equal(N(moderationA, assignedB, rejected), await ShownAsync(office, "q=" + Uri.EscapeDataString("ЯМА")));
        Assert.Equal(N(housing), await ShownAsync(office, "q=" + Uri.EscapeDataString(housing.Number)));
        Assert.Equal(N(assignedB), await ShownAsync(office, "q=" + Uri.EscapeDataString("яма") + $"&territoryId={r.TerritoryB}&status=assigned"));
        Assert.Equal(N(paused), await ShownAsync(office, "deadline=paused"));
        // The API reads the same filter (one implementation).
        var api = await (await app.ClientAs(Persona.CentreModerator).GetAsync("/api/v1/appeals?deadline=paused&limit=200").Expect(HttpStatusCode.OK))
            .ReadAsync<AppealsApi.Page<AppealListItem>>();
        Assert.Equal(N(paused), api.Items.Select(i => i.Number).ToHashSet());
        // Empty fields of a submitted GET form mean "any".
        Assert.Equal(N(hotline), await ShownAsync(office, "q=&organisationId=&categoryId=&topicId=&territoryId=&channel=hotline&kind=&regime=&deadline=&sort=received"));

        // The deadline states: each open appeal is in exactly one, the finished ones in none, and the badge says the same.
        var open = N(all.Except([rejected]).ToArray());
        async Task CheckStatesAsync()
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var stored = await app.WithDbAsync(db => db.Appeals.AsNoTracking().ToListAsync());
            var seen = new List<string>();
            foreach (var state in Enum.GetValues<DeadlineState>())
            {
                var html = await office.HtmlAsync($"/office/appeals?deadline={state}");
                var rows = Office.Rows(html);
                var expected = stored.Where(a => DeadlineStates.Of(a.Status, a.PausedAtUtc, a.DueAtUtc, a.AtRiskFromUtc, a.WatchLevel, now) == state).Select(a => a.Number);
                Assert.Equal(expected.ToHashSet(), rows.Select(x => x.Number).ToHashSet());
                var badge = DeadlineStates.Title(state);
                Assert.All(rows, row => Assert.Contains(badge, row.Html));
                Assert.All(rows, row => Assert.Equal(state switch { DeadlineState.AtRisk => "at-risk", DeadlineState.Overdue => "overdue", _ => "" }, row.Css));
                seen.AddRange(rows.Select(x => x.Number));
            }
            Assert.Equal(open.Order(), seen.Order());
        }
        await CheckStatesAsync();
        Assert.Contains(moderationA.Number, await ShownAsync(office, "deadline=onTrack"));
        // Three quarters of the 48 moderation hours: at risk; past 48 hours: overdue, in red.
        app.Clock.Advance(TimeSpan.FromHours(37));
        await CheckStatesAsync();
        Assert.Superset(N(moderationA, hotline), await ShownAsync(office, "deadline=atRisk"));
        app.Clock.Advance(TimeSpan.FromHours(12));
        await CheckStatesAsync();
        Assert.Superset(N(moderationA, hotline), await ShownAsync(office, "deadline=overdue"));
        Assert.Equal(N(paused), await ShownAsync(office, "deadline=paused"));

        // What a row shows, every column chosen (a person without a choice sees the default ones).
        await app.WithDbAsync(async db =>
        {
            var settings = Otklik.Features.Workspace.ListSettings.For(r.IdOf(Persona.CentreModerator));
            settings.Choose(Otklik.Features.Workspace.ListColumns.All.Select(c => c.Key), app.Clock.GetUtcNow().UtcDateTime);
            db.Add(settings);
            await db.SaveChangesAsync();
        });
        var page = Office.Rows(await office.HtmlAsync("/office/appeals"));
        var people = await app.WithDbAsync(db => db.Users.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.LastName + " " + u.FirstName));
        var housingRow = page.Single(x => x.Number == housing.Number).Html;
        var storedHousing = await app.StoredAsync(housing.Id);
        foreach (var text in new[] { $"href=\"/office/appeals/{housing.Id}\"", Local(storedHousing.ReceivedAtUtc), "Проблема", "Проблема/жалоба",
                     "Городское благоустройство", "Капитальный ремонт", "Город А", "Зарегистрировано", Local(storedHousing.DueAtUtc), "В срок" })
            Assert.Contains(text, housingRow);
        var assignedRow = page.Single(x => x.Number == assignedB.Number).Html;
        Assert.Contains(people[r.IdOf(Persona.MunBExecutor)], assignedRow);
        Assert.Contains("Город Б", assignedRow);
        Assert.Contains("Назначено исполнителю", assignedRow);
        var overdueRow = page.Single(x => x.Number == moderationA.Number);
        Assert.Equal("overdue", overdueRow.Css);
        Assert.Contains("Просрочено", overdueRow.Html);
        Assert.DoesNotContain("badge", page.Single(x => x.Number == rejected.Number).Html);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_wrong_value_in_the_address_is_shown_next_to_its_field_and_keeps_what_was_typed(Engine engine)
    {
        var app = await pool.For(engine);
        var office = await Office.SignInAsync(app, Persona.CentreModerator);

        var html = await office.HtmlAsync("/office/appeals?q=" + Uri.EscapeDataString("яма у школы") + "&channel=fax&organisationId=" + app.Region.MunA);
        Assert.Contains("<span id=\"channel-error\" class=\"field-error\">", html);
        Assert.Contains("name=\"channel\" aria-describedby=\"channel-error\" aria-invalid=\"true\"", html);
        Assert.Contains("Недопустимое значение «fax»", html);
        Assert.Contains("value=\"яма у школы\"", html);
        Assert.Contains($"<option value=\"{app.Region.MunA}\" selected=\"selected\">", html);
        Assert.Empty(Office.Rows(html));

        await office.GetAsync("/office/appeals/export.csv?channel=fax").ExpectProblem(HttpStatusCode.BadRequest, "request.invalid_parameter");
        await office.GetAsync("/office/appeals?cursor=garbage").Expect(HttpStatusCode.OK);
        await office.GetAsync("/office/appeals/export.pdf").Expect(HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Paging_visits_every_appeal_once_in_order_and_a_page_costs_the_same_queries_whatever_its_rows(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        await BulkAppeals.InsertAsync(app, 130);
        var stored = await app.WithDbAsync(db => db.Appeals.AsNoTracking().Select(a => new { a.Number, a.ReceivedAtUtc, a.DueAtUtc, a.Status }).ToListAsync());
        var byReceived = stored.OrderByDescending(a => a.ReceivedAtUtc).ThenByDescending(a => a.Number, StringComparer.Ordinal).Select(a => a.Number).ToList();
        var byDue = stored.OrderBy(a => a.DueAtUtc).ThenBy(a => a.Number, StringComparer.Ordinal).Select(a => a.Number).ToList();
        var registeredByDue = stored.Where(a => a.Status == AppealStatus.Registered)
            .OrderBy(a => a.DueAtUtc).ThenBy(a => a.Number, StringComparer.Ordinal).Select(a => a.Number).ToList();
        Assert.True(stored.GroupBy(a => a.ReceivedAtUtc).Any(g => g.Count() > 1), "The data must have ties.");

        var office = await Office.SignInAsync(app, Persona.CentreModerator);
        Assert.Equal(byReceived, await WalkAsync(office, "/office/appeals"));
        Assert.Equal(byDue, await WalkAsync(office, "/office/appeals?sort=due"));
        Assert.Equal(registeredByDue, await WalkAsync(office, "/office/appeals?sort=due&status=registered"));

        // No query per row: the first page (50 rows, assignees among them), the second and one of 22 rows cost the same.
        var connection = await app.WithDbAsync(db => Task.FromResult(db.Database.GetConnectionString()!));
        await office.HtmlAsync("/office/appeals");
        var first = await Office.HtmlAsync(office, "/office/appeals");
        var next = Office.NextLink(first)!;
        using var counter = new CommandCounter(connection);
        var costs = new List<int>();
        foreach (var url in new[] { "/office/appeals", next, "/office/appeals?status=assigned" })
        {
            counter.Reset();
            var html = await office.HtmlAsync(url);
            Assert.Contains("Тестов", html); // an assignee's name is on every one of these pages
            costs.Add(counter.Count);
        }
        Assert.Equal(22, Office.Rows(await office.HtmlAsync("/office/appeals?status=assigned")).Count);
        Assert.True(costs.Distinct().Count() == 1, $"Queries per page: {string.Join(", ", costs)}");
        Assert.InRange(costs[0], 2, 10);
    }

    /// <summary>Follows "next page" to the end; every page but the last is full, and each offers the way back to the first.</summary>
    static async Task<List<string>> WalkAsync(HttpClient office, string url)
    {
        var numbers = new List<string>();
        for (var pages = 0; pages < 50; pages++)
        {
            var html = await office.HtmlAsync(url);
            var rows = Office.Numbers(html);
            numbers.AddRange(rows);
            Assert.Equal(pages > 0, html.Contains("Первая страница"));
            if (Office.NextLink(html) is not { } next)
            {
                Assert.InRange(rows.Count, 1, 50);
                Assert.Equal(numbers.Count, numbers.Distinct().Count());
                return numbers;
            }
            Assert.Equal(50, rows.Count);
            Assert.StartsWith("/office/appeals?", next);
            url = next;
        }
        throw new InvalidOperationException("Paging did not end after 50 pages.");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_executor_of_one_municipality_never_sees_the_appeals_of_the_other_in_the_list_or_the_exports(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var token = "метка" + Guid.NewGuid().ToString("N")[..8];
        var inA = await app.AppealInAsync(AppealStatus.Registered, Samples.Pothole(r, TestRegion.InsideA, $"Яма во дворе ({token}), дом 3."));
        var inB = await app.AppealInAsync(AppealStatus.Registered, Samples.Pothole(r, TestRegion.InsideB, $"Яма у рынка ({token}), дом 7."));
        var q = "q=" + Uri.EscapeDataString(token);

        var munB = await Office.SignInAsync(app, Persona.MunBExecutor);
        Assert.Equal([inB.Number], await ShownAsync(munB, q));
        Assert.Empty(await ShownAsync(munB, q + $"&organisationId={r.MunA}"));
        var all = Office.Numbers(await munB.HtmlAsync("/office/appeals"));
        Assert.DoesNotContain(inA.Number, all);
        var visibleToB = await app.WithDbAsync(db => db.Appeals.AsNoTracking()
            .Where(a => a.ExecutorOrganisationId == r.MunB || a.AssigneeId == r.IdOf(Persona.MunBExecutor)).Select(a => a.Number).ToListAsync());
        Assert.Equal(visibleToB.ToHashSet(), (await WalkAsync(munB, "/office/appeals")).ToHashSet());
        Assert.Equal([inB.Number], Csv.Numbers(await (await munB.GetAsync($"/office/appeals/export.csv?{q}").Expect(HttpStatusCode.OK)).Content.ReadAsByteArrayAsync()));
        Assert.Equal([inB.Number], Xlsx.Read(await (await munB.GetAsync($"/office/appeals/export.xlsx?{q}").Expect(HttpStatusCode.OK)).Content.ReadAsByteArrayAsync()).Rows.Select(x => x[0]));

        var moderator = await Office.SignInAsync(app, Persona.CentreModerator);
        Assert.Equal(new[] { inA.Number, inB.Number }.ToHashSet(), await ShownAsync(moderator, q));

        // Without signing in, the page and the exports send a person to the sign-in page.
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        foreach (var url in new[] { "/office/appeals", "/office/appeals/export.csv", "/office/appeals/export.xlsx" })
        {
            var response = await anonymous.GetAsync(url).Expect(HttpStatusCode.Redirect);
            Assert.Contains("/office/login", response.Headers.Location!.ToString());
        }
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_CSV_and_XLSX_exports_hold_exactly_the_filtered_list_in_its_order_across_all_pages(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        await BulkAppeals.InsertAsync(app, 2100);
        var stored = await app.WithDbAsync(db => db.Appeals.AsNoTracking().ToListAsync());
        var people = await app.WithDbAsync(db => db.Users.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.LastName + " " + u.FirstName));
        var office = await Office.SignInAsync(app, Persona.CentreModerator);

        // Territory B, by deadline: 1050 rows, more than one export chunk of 1000.
        var query = $"territoryId={r.TerritoryB}&sort=due";
        var expected = stored.Where(a => a.TerritoryId == r.TerritoryB).OrderBy(a => a.DueAtUtc).ThenBy(a => a.Number, StringComparer.Ordinal).ToList();
        Assert.Equal(1050, expected.Count);

        var csvResponse = await office.GetAsync($"/office/appeals/export.csv?{query}").Expect(HttpStatusCode.OK);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", csvResponse.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".csv", csvResponse.Content.Headers.ContentDisposition?.FileNameStar ?? csvResponse.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var csvBytes = await csvResponse.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, csvBytes[..3]);
        var csv = Csv.Parse(csvBytes);
        Assert.Equal(["Номер", "Поступило (Екатеринбург, UTC+05:00)", "Тип", "Вид", "Правовой режим", "Канал", "Категория", "Тема", "Территория", "Адрес",
            "Исполнитель", "Ответственный", "Статус", "Срок (Екатеринбург, UTC+05:00)", "Состояние срока"], csv[0]);
        Assert.Equal(expected.Select(a => a.Number), csv.Skip(1).Select(x => x[0]));
        Assert.All(csv, row => Assert.Equal(15, row.Length));

        var xlsxResponse = await office.GetAsync($"/office/appeals/export.xlsx?{query}").Expect(HttpStatusCode.OK);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsxResponse.Content.Headers.ContentType?.MediaType);
        var xlsx = Xlsx.Read(await xlsxResponse.Content.ReadAsByteArrayAsync());
        Assert.Equal(csv[0], xlsx.Header);
        Assert.Equal(expected.Select(a => a.Number), xlsx.Rows.Select(x => x[0]));
        Assert.True(xlsx.HeaderBold, "The header row is bold.");
        Assert.True(xlsx.Frozen, "The header row is frozen.");
        Assert.Equal($"A1:O{expected.Count + 1}", xlsx.AutoFilter);

        // Row by row, the two files say the same as the database: times in the organisation's zone, names, Russian labels.
        var now = app.Clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < expected.Count; i += 97)
        {
            var a = expected[i];
            var state = DeadlineStates.Of(a.Status, a.PausedAtUtc, a.DueAtUtc, a.AtRiskFromUtc, a.WatchLevel, now);
            string[] want =
            [
                a.Number, Local(a.ReceivedAtUtc), Labels.Of(a.Type), Labels.Of(a.Kind), Labels.Of(a.Regime), a.Channel == Channel.Hotline ? "Горячая линия" : "Портал",
                "Городское благоустройство", "Ямы на дорогах", "Город Б", a.Address!, a.ExecutorOrganisationId == r.MunB ? "Город Б" : "",
                a.AssigneeId is { } p ? people[p] : "", Labels.Of(a.Status), state is null ? "" : Local(a.DueAtUtc),
                state is null ? "" : DeadlineStates.Title(state),
            ];
            Assert.Equal(want, csv[i + 1]);
            Assert.Equal(want, xlsx.Rows[i]);
        }

        // Another filter, and no filter at all: 2100 rows, in the list's default order.
        var registered = stored.Where(a => a.Status == AppealStatus.Registered || a.Status == AppealStatus.Assigned).Select(a => a.Number).ToHashSet();
        Assert.Equal(registered, Csv.Numbers(await office.GetByteArrayAsync("/office/appeals/export.csv?status=registered&status=assigned")).ToHashSet());
        var everything = stored.OrderByDescending(a => a.ReceivedAtUtc).ThenByDescending(a => a.Number, StringComparer.Ordinal).Select(a => a.Number);
        Assert.Equal(everything, Xlsx.Read(await office.GetByteArrayAsync("/office/appeals/export.xlsx")).Rows.Select(x => x[0]));
    }

    /// <summary>Counts the SQL commands EF Core sends to one app's database (other tests run at the same time).</summary>
    sealed class CommandCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        readonly string _connection;
        readonly List<IDisposable> _subscriptions = [];
        int _count;

        public CommandCounter(string connection)
        {
            _connection = connection;
            _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
        }

        public int Count => Volatile.Read(ref _count);
        public void Reset() => Interlocked.Exchange(ref _count, 0);

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == DbLoggerCategory.Name) lock (_subscriptions) _subscriptions.Add(listener.Subscribe(this));
        }

        public void OnNext(KeyValuePair<string, object?> e)
        {
            if (e.Key == RelationalEventId.CommandExecuting.Name && e.Value is CommandEventData data && data.Context?.Database.GetConnectionString() == _connection)
                Interlocked.Increment(ref _count);
        }

        public void OnCompleted() { }
        public void OnError(Exception error) { }

        public void Dispose()
        {
            lock (_subscriptions) foreach (var s in _subscriptions) s.Dispose();
        }
    }
}

/// <summary>Reads the CSV of an export as a spreadsheet would: UTF-8 with BOM, ";" between fields, quoted fields.</summary>
static class Csv
{
    public static List<string[]> Parse(byte[] bytes)
    {
        var text = new UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF');
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ';') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString()); field.Clear();
                rows.Add([.. row]); row.Clear();
                i++;
            }
            else field.Append(c);
        }
        Assert.True(field.Length == 0 && row.Count == 0, "The CSV ends with a line break.");
        return rows;
    }

    public static List<string> Numbers(byte[] bytes) => [.. Parse(bytes).Skip(1).Select(r => r[0])];
}

/// <summary>Opens an exported workbook with DocumentFormat.OpenXml and reads its only sheet back as text.</summary>
static class Xlsx
{
    public sealed record Sheet(string[] Header, List<string[]> Rows, bool HeaderBold, bool Frozen, string? AutoFilter);


    public static Sheet Read(byte[] bytes)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var workbook = document.WorkbookPart!;
        var sheet = Assert.Single(workbook.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>());
        Assert.Equal("Обращения", sheet.Name?.Value);
        var part = (WorksheetPart)workbook.GetPartById(sheet.Id!.Value!);
        var formats = workbook.WorkbookStylesPart!.Stylesheet.CellFormats!.Elements<CellFormat>().ToList();
        var fonts = workbook.WorkbookStylesPart.Stylesheet.Fonts!.Elements<Font>().ToList();
        var rows = part.Worksheet.Descendants<Row>().ToList();
        string Text(Cell c)
        {
            if (c.DataType?.Value == CellValues.InlineString) return c.InlineString?.InnerText ?? "";
            if (c.CellValue is null) return "";
            var numberFormat = c.StyleIndex is { } s ? formats[(int)s.Value].NumberFormatId?.Value : 0;
            Assert.Equal(164u, numberFormat); // the only numbers are times, shown as dates
            var local = DateTime.FromOADate(double.Parse(c.CellValue.Text, CultureInfo.InvariantCulture));
            return new DateTime(local.Ticks - local.Ticks % TimeSpan.TicksPerMinute).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture);
        }
        var header = rows[0].Elements<Cell>().ToList();
        var bold = header.All(c => c.StyleIndex is { } s && fonts[(int)formats[(int)s.Value].FontId!.Value].Elements<Bold>().Any());
        var pane = part.Worksheet.Descendants<Pane>().SingleOrDefault();
        var frozen = pane is { State.Value: var state, VerticalSplit.Value: 1 } && state == PaneStateValues.Frozen && pane.TopLeftCell?.Value == "A2";
        return new Sheet([.. header.Select(Text)], [.. rows.Skip(1).Select(r => r.Elements<Cell>().Select(Text).ToArray())], bold, frozen,
            part.Worksheet.Elements<AutoFilter>().SingleOrDefault()?.Reference?.Value);
    }
}
