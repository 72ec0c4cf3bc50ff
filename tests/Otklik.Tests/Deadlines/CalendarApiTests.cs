using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Tests.Api;
using Otklik.Tests.Infrastructure;
using static Otklik.Tests.Deadlines.WatchChecks;

namespace Otklik.Tests.Deadlines;

/// <summary>
/// The calculator (GET /calendar/due) with hand-checked answers, the calendar's years, importing a year in the xmlcalendar
/// format and regional days off — and that calendar changes reach the deadlines of open appeals.
/// </summary>
public sealed class CalendarApiTests(AppPool pool) : IClassFixture<AppPool>
{
    const string Api = "/api/v1";

    static string Due(string policy, string from, string place) =>
        $"{Api}/calendar/due?policy={Uri.EscapeDataString(policy)}&from={Uri.EscapeDataString(from)}&{place}";

    static async Task<JsonElement> AskAsync(HttpClient client, string policy, string from, string place = "timeZone=Asia/Yekaterinburg") =>
        await (await client.GetAsync(Due(policy, from, place)).Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();

    static string? Text(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetString();

    static string? DueAt(JsonElement e) => e.GetProperty("dueAt").ValueKind == JsonValueKind.Null ? null : e.GetProperty("dueAt").GetRawText().Trim('"');

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_calculator_answers_the_examples_checked_by_hand(Engine engine)
    {
        var app = await pool.For(engine);
        var anyone = app.Anonymous();

        // The issue's own example, written exactly as it is there. Friday 6 March 2026; 7–8 March is the weekend and
        // 9 March the day off moved from Sunday 8 March: the two working days are Tuesday 10 and Wednesday 11 March.
        var example = await (await anyone.GetAsync($"{Api}/calendar/due?policy=working-days:2&from=2026-03-06T10:00:00%2B05:00&timeZone=Asia/Yekaterinburg")
            .Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.Equal(("2026-03-11", "2026-03-11", (string?)null), (Text(example, "dueDate"), Text(example, "controlDate"), DueAt(example)));
        Assert.Equal(("working-days:2", "Asia/Yekaterinburg", false),
            (example.GetProperty("policy").GetString(), example.GetProperty("timeZone").GetString(), example.GetProperty("provisional").GetBoolean()));

        (string Policy, string From, string? DueDate, string? ControlDate, string? DueAt, string Place)[] cases =
        [
            // 10 calendar days from Thursday 26 February end on Sunday 8 March, a holiday; the control date is the last
            // working day before it, Friday 6 March (7 March is a Saturday).
            ("calendar-days:10", "2026-02-26T12:00:00+05:00", "2026-03-08", "2026-03-06", null, "timeZone=Asia/Yekaterinburg"),
            // 3 days from 6 May end on Saturday 9 May (Victory Day); Friday 8 May is a shortened, but working, day.
            ("calendar-days:3", "2026-05-06T09:00:00+05:00", "2026-05-09", "2026-05-08", null, "timeZone=Asia/Yekaterinburg"),
            // A due date on a working day is its own control date.
            ("calendar-days:30", "2026-03-10T09:00:00+05:00", "2026-04-09", "2026-04-09", null, "timeZone=Asia/Yekaterinburg"),
            // 2025-11-01 was a working Saturday (the day off moved to Monday 3 November); 4 November is Unity Day.
            ("working-days:1", "2025-10-31T10:00:00+03:00", "2025-11-01", "2025-11-01", null, "timeZone=Europe/Moscow"),
            ("working-days:2", "2025-10-31T10:00:00+03:00", "2025-11-05", "2025-11-05", null, "timeZone=Europe/Moscow"),
            // The New Year break: 31 December 2025 – 11 January 2026 (9 January is the day moved from 3 January).
            ("working-days:1", "2025-12-30T15:00:00+05:00", "2026-01-12", "2026-01-12", null, "timeZone=Asia/Yekaterinburg"),
            // The same instant is Wednesday evening in Kaliningrad and Thursday morning in Vladivostok.
            ("working-days:1", "2026-03-04T15:30:00Z", "2026-03-05", "2026-03-05", null, "timeZone=Europe/Kaliningrad"),
            ("working-days:1", "2026-03-04T15:30:00Z", "2026-03-06", "2026-03-06", null, "timeZone=Asia/Vladivostok"),
            // The cut-off: before 16:00 on a working day — that day; at 16:00 — the next working day (after 7–9 March).
            ("same-day-cutoff:16:00", "2026-03-06T15:59:00+05:00", "2026-03-06", "2026-03-06", null, "timeZone=Asia/Yekaterinburg"),
            ("same-day-cutoff:16:00", "2026-03-06T16:00:00+05:00", "2026-03-10", "2026-03-10", null, "timeZone=Asia/Yekaterinburg"),
            // Working hours answer an instant with the zone's offset: 10:00 +05 is 07:00 in Kaliningrad, and 8 working hours
            // (09–13, 14–18) end at 18:00 there; in Vladivostok it is 15:00, 3 hours that Friday and 5 more on Tuesday 10 March.
            ("working-hours:8", "2026-03-06T10:00:00+05:00", null, null, "2026-03-06T18:00:00+02:00", "timeZone=Europe/Kaliningrad"),
            ("working-hours:8", "2026-03-06T10:00:00+05:00", null, null, "2026-03-10T15:00:00+10:00", "timeZone=Asia/Vladivostok"),
            // A shortened day ends at 17:00: from 16:00 on 30 April 2026, one hour that day, then 1–3 May off, then Monday 4 May.
            ("working-hours:2", "2026-04-30T16:00:00+05:00", null, null, "2026-05-04T10:00:00+05:00", "timeZone=Asia/Yekaterinburg"),
            ("hours:4", "2026-03-06T22:30:00+05:00", null, null, "2026-03-07T02:30:00+05:00", "timeZone=Asia/Yekaterinburg"),
            ("hours:24", "2026-03-06T22:30:00+05:00", null, null, "2026-03-07T20:30:00+03:00", "timeZone=Europe/Moscow"),
        ];
        var wrong = new List<string>();
        foreach (var c in cases)
        {
            var answer = await AskAsync(anyone, c.Policy, c.From, c.Place);
            var got = (Text(answer, "dueDate"), Text(answer, "controlDate"), DueAt(answer));
            if (got != (c.DueDate, c.ControlDate, c.DueAt)) wrong.Add($"{c.Policy} from {c.From} ({c.Place}): expected {(c.DueDate, c.ControlDate, c.DueAt)}, got {got}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));

        // A deadline that lands in 2027 is counted on the provisional calendar, and says so.
        var provisional = await AskAsync(anyone, "calendar-days:30", "2026-12-15T10:00:00+05:00");
        Assert.Equal(("2027-01-14", true), (Text(provisional, "dueDate"), provisional.GetProperty("provisional").GetBoolean()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_bad_question_to_the_calculator_is_a_400_naming_the_field(Engine engine)
    {
        var app = await pool.For(engine);
        var anyone = app.Anonymous();
        const string from = "2026-03-06T10:00:00%2B05:00";
        const string zone = "timeZone=Asia/Yekaterinburg";
        (string Query, string Field, string Code)[] cases =
        [
            ($"from={from}&{zone}", "policy", "field.required"),
            ($"policy=weeks:2&from={from}&{zone}", "policy", "deadline.policy"),
            ($"policy=working-days:0&from={from}&{zone}", "policy", "deadline.policy"),
            ($"policy=working-days&from={from}&{zone}", "policy", "deadline.policy"),
            ($"policy=same-day-cutoff:25:00&from={from}&{zone}", "policy", "deadline.policy"),
            ($"policy=working-days:2&{zone}", "from", "field.required"),
            ($"policy=working-days:2&from=2026-03-06T10:00:00&{zone}", "from", "deadline.from"),
            ($"policy=working-days:2&from=06.03.2026&{zone}", "from", "deadline.from"),
            ($"policy=working-days:2&from={from}&timeZone=Europe/Atlantis", "timeZone", "organisation.time_zone"),
            ($"policy=working-days:2&from={from}", "timeZone", "field.required"),
            ($"policy=working-days:2&from={from}&organisationId={Guid.NewGuid()}", "organisationId", "directory.unknown_organisation"),
            ($"policy=working-days:2&from=2031-03-06T10:00:00%2B05:00&{zone}", "from", "calendar.missing_year"),
            // The start is covered but the count runs into a year the calendar lacks.
            ($"policy=working-days:30&from=2027-12-20T10:00:00%2B05:00&{zone}", "from", "calendar.missing_year"),
        ];
        var wrong = new List<string>();
        foreach (var (query, field, code) in cases)
        {
            var response = await anyone.GetAsync($"{Api}/calendar/due?{query}");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.BadRequest || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                wrong.Add($"{query}: {(int)response.StatusCode} {body}");
                continue;
            }
            var problem = JsonDocument.Parse(body).RootElement;
            if (problem.GetProperty("code").GetString() != code || !problem.GetProperty("errors").TryGetProperty(field, out var messages)
                || string.IsNullOrWhiteSpace(messages[0].GetString()))
                wrong.Add($"{query}: expected {code} on {field}, got {body}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));

        var missing = await anyone.GetAsync($"{Api}/calendar/due?policy=working-days:2&from=2031-03-06T10:00:00%2B05:00&{zone}");
        Assert.Contains("2031", (await missing.ProblemAsync()).GetProperty("detail").GetString());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Asked_for_an_organisation_the_calculator_uses_its_zone_and_working_hours(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var anyone = app.Anonymous();
        // Thursday 5 March 2026, 15:00 +05, 4 working hours. By default (09–18, break 13–14): 3 hours that day, 1 on Friday.
        const string policy = "working-hours:4", from = "2026-03-05T15:00:00+05:00";
        Assert.Equal("2026-03-06T10:00:00+05:00", DueAt(await AskAsync(anyone, policy, from)));
        var before = await AskAsync(anyone, policy, from, $"organisationId={r.MinInvest}");
        Assert.Equal(("2026-03-06T10:00:00+05:00", "Asia/Yekaterinburg"), (DueAt(before), before.GetProperty("timeZone").GetString()));

        // Мининвест now works 10:00–19:00 with a break 14:00–15:00: the four hours fit into Thursday, ending at 19:00.
        var org = await (await anyone.GetAsync($"{Api}/organisations/{r.MinInvest}").Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        await app.ClientAs(Persona.RegionAdmin).PutJsonAsync($"{Api}/organisations/{r.MinInvest}", new
        {
            version = org.GetProperty("version").GetInt32(), name = org.GetProperty("name").GetString(), shortName = org.GetProperty("shortName").GetString(),
            kind = "ministry", parentId = r.Region, timeZone = "Asia/Yekaterinburg",
            workdayStart = "10:00:00", workdayEnd = "19:00:00", breakStart = "14:00:00", breakEnd = "15:00:00",
        }).Expect(HttpStatusCode.OK);
        Assert.Equal("2026-03-05T19:00:00+05:00", DueAt(await AskAsync(anyone, policy, from, $"organisationId={r.MinInvest}")));
        Assert.Equal("2026-03-06T10:00:00+05:00", DueAt(await AskAsync(anyone, policy, from, $"organisationId={r.MunA}")));   // others keep theirs
        Assert.Equal("2026-03-06T10:00:00+05:00", DueAt(await AskAsync(anyone, policy, from)));

        // In Kaliningrad the same instant is 12:00: 1 hour before the break, 3 after it.
        var kaliningrad = await (await app.ClientAs(Persona.RegionAdmin).PostJsonAsync($"{Api}/organisations",
            new { name = "Представительство в Калининграде", shortName = "Калининград", kind = "department", parentId = r.MinInvest, timeZone = "Europe/Kaliningrad" })
            .Expect(HttpStatusCode.Created)).ReadAsync<JsonElement>();
        var there = await AskAsync(anyone, policy, from, $"organisationId={kaliningrad.GetProperty("id").GetGuid()}");
        Assert.Equal(("2026-03-05T17:00:00+02:00", "Europe/Kaliningrad"), (DueAt(there), there.GetProperty("timeZone").GetString()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_calendar_lists_the_shipped_years_and_their_days(Engine engine)
    {
        var app = await pool.For(engine);
        var years = await app.Anonymous().GetListAsync<CalendarApi.YearView>($"{Api}/calendar");
        var byYear = years.ToDictionary(y => y.Year);
        Assert.True(byYear.ContainsKey(2025) && byYear.ContainsKey(2026) && byYear.ContainsKey(2027), string.Join(", ", years.Select(y => y.Year)));
        Assert.Equal((247, false), (byYear[2025].WorkingDays, byYear[2025].IsProvisional));
        Assert.Equal((247, false), (byYear[2026].WorkingDays, byYear[2026].IsProvisional));
        Assert.Contains("1466", byYear[2026].Source);
        // 2027 by ТК ст. 112 alone: 261 weekdays less 1 and 4–8 January, 23 February, 8 March, 3 and 10 May (for 1 and 9 May),
        // 14 June (for 12 June) and 4 November; the two January weekend holidays wait for the decree.
        Assert.Equal((249, true), (byYear[2027].WorkingDays, byYear[2027].IsProvisional));

        var year = await (await app.Anonymous().GetAsync($"{Api}/calendar/2025").Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        var days = year.GetProperty("days").EnumerateArray().ToDictionary(d => d.GetProperty("date").GetString()!, d => d.GetProperty("kind").GetString());
        Assert.Equal(("shortened", "dayOff", "holiday"), (days["2025-11-01"], days["2025-11-03"], days["2025-11-04"]));
        Assert.False(year.GetProperty("isProvisional").GetBoolean());

        await app.Anonymous().GetAsync($"{Api}/calendar/2031").ExpectProblem(HttpStatusCode.NotFound, "calendar.missing_year");
    }

    /// <summary>
    /// A 2027 document in the xmlcalendar format, shaped like a decree: the two January weekend holidays moved to 11 and
    /// 12 January, the other weekend holidays to the following Mondays. (Test data, not the real decree.) 247 working days.
    /// </summary>
    internal const string Year2027 = """
        <?xml version="1.0" encoding="UTF-8"?>
        <calendar year="2027" lang="ru" date="2026.09.20" country="ru">
          <holidays>
            <holiday id="1" title="Новогодние каникулы"/>
            <holiday id="2" title="Рождество Христово"/>
            <holiday id="3" title="День защитника Отечества"/>
            <holiday id="4" title="Международный женский день"/>
            <holiday id="5" title="Праздник Весны и Труда"/>
            <holiday id="6" title="День Победы"/>
            <holiday id="7" title="День России"/>
            <holiday id="8" title="День народного единства"/>
          </holidays>
          <days>
            <day d="01.01" t="1" h="1"/><day d="01.02" t="1" h="1"/><day d="01.03" t="1" h="1"/><day d="01.04" t="1" h="1"/>
            <day d="01.05" t="1" h="1"/><day d="01.06" t="1" h="1"/><day d="01.07" t="1" h="2"/><day d="01.08" t="1" h="1"/>
            <day d="01.11" t="1" f="01.02"/><day d="01.12" t="1" f="01.03"/>
            <day d="02.22" t="2"/><day d="02.23" t="1" h="3"/>
            <day d="03.05" t="2"/><day d="03.08" t="1" h="4"/>
            <day d="04.30" t="2"/><day d="05.01" t="1" h="5"/><day d="05.03" t="1" f="05.01"/>
            <day d="05.07" t="2"/><day d="05.09" t="1" h="6"/><day d="05.10" t="1" f="05.09"/>
            <day d="06.11" t="2"/><day d="06.12" t="1" h="7"/><day d="06.14" t="1" f="06.12"/>
            <day d="11.03" t="2"/><day d="11.04" t="1" h="8"/>
            <day d="12.31" t="2"/>
          </days>
        </calendar>
        """;

    internal static HttpContent Xml(string xml) => new StringContent(xml, Encoding.UTF8, "application/xml");

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Importing_a_year_replaces_it_and_recounts_open_appeals(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var admin = app.ClientAs(Persona.RegionAdmin);
        // A consultation registered on Wednesday 30 December 2026: 31 December and 1–10 January are off on the provisional
        // calendar, so its two working days are 11 and 12 January 2027.
        app.Clock.SetUtcNow(new DateTimeOffset(Utc(2026, 12, 30, 7, 0)));
        var a = await app.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(r));
        Assert.Equal((new DateOnly(2027, 1, 12), Utc(2027, 1, 12, 18, 59, 59)), (a.AnswerDueDate!.Value, a.DueAtUtc));
        var closed = await app.AppealInAsync(AppealStatus.Closed, Samples.Subsidy(r));
        var closedDue = (await app.StoredAsync(closed.Id)).AnswerDueAtUtc;

        // Refused: not an administrator of the region, a malformed document, a document of another year. Nothing changes.
        await app.Anonymous().PutAsync($"{Api}/calendar/2027", Xml(Year2027)).Expect(HttpStatusCode.Unauthorized);
        await app.ClientAs(Persona.MunBAdmin).PutAsync($"{Api}/calendar/2027", Xml(Year2027)).ExpectProblem(HttpStatusCode.Forbidden, "auth.forbidden");
        await app.ClientAs(Persona.CentreModerator).PutAsync($"{Api}/calendar/2027", Xml(Year2027)).ExpectProblem(HttpStatusCode.Forbidden, "auth.forbidden");
        var malformed = await admin.PutAsync($"{Api}/calendar/2027", Xml(Year2027.Replace("<day d=\"01.11\" t=\"1\"", "<day d=\"13.11\" t=\"1\"")))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "calendar.xml");
        Assert.Contains("13.11", malformed.GetProperty("detail").GetString());
        await admin.PutAsync($"{Api}/calendar/2027", Xml("<calendar year=\"2027\"><days><day d=\"01.01\" t=\"1\">")).ExpectProblem(HttpStatusCode.UnprocessableEntity, "calendar.xml");
        await admin.PutAsync($"{Api}/calendar/2028", Xml(Year2027)).ExpectProblem(HttpStatusCode.UnprocessableEntity, "calendar.year_mismatch");
        var untouched = await app.Anonymous().GetListAsync<CalendarApi.YearView>($"{Api}/calendar");
        Assert.Equal((true, 249), (untouched.Single(y => y.Year == 2027).IsProvisional, untouched.Single(y => y.Year == 2027).WorkingDays));
        Assert.DoesNotContain(untouched, y => y.Year == 2028);
        Assert.Equal(new DateOnly(2027, 1, 12), (await app.StoredAsync(a.Id)).AnswerDueDate);

        var imported = await (await admin.PutAsync($"{Api}/calendar/2027", Xml(Year2027)).Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.True(imported.GetProperty("recomputedAppeals").GetInt32() >= 1);

        var years = await app.Anonymous().GetListAsync<CalendarApi.YearView>($"{Api}/calendar");
        var y2027 = years.Single(y => y.Year == 2027);
        Assert.Equal((false, 247, "xmlcalendar"), (y2027.IsProvisional, y2027.WorkingDays, y2027.Source));
        var stored = await app.WithDbAsync(db => db.CalendarDays.AsNoTracking().Where(d => d.Date == new DateOnly(2027, 1, 11) || d.Date == new DateOnly(2027, 5, 7))
            .OrderBy(d => d.Date).Select(d => new { d.Kind, d.IsRegional }).ToListAsync());
        Assert.Equal([new { Kind = DayKind.DayOff, IsRegional = false }, new { Kind = DayKind.Shortened, IsRegional = false }], stored);

        // 11 and 12 January are now days off: the open consultation is due on 14 January; the closed one is left as it was.
        var moved = await app.GetAsync(a.Id);
        Assert.Equal((new DateOnly(2027, 1, 14), Utc(2027, 1, 14, 18, 59, 59), Utc(2027, 1, 14, 18, 59, 59)),
            (moved.AnswerDueDate!.Value, moved.AnswerDueAtUtc!.Value, moved.DueAtUtc));
        Assert.Equal(Utc(2027, 1, 13, 4, 0), moved.AtRiskFromUtc);                  // the working day before: 13 January, 09:00 +05
        Assert.Equal(closedDue, (await app.StoredAsync(closed.Id)).AnswerDueAtUtc);
        Assert.Equal("2027-01-14", Text(await AskAsync(app.Anonymous(), "working-days:2", "2026-12-30T12:00:00+05:00"), "dueDate"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_regional_day_off_moves_the_calculator_and_open_appeals_and_deleting_it_reverts(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var admin = app.ClientAs(Persona.RegionAdmin);
        var anyone = app.Anonymous();
        // Monday 16 March 2026: two working days are 17 and 18 March.
        Assert.Equal("2026-03-18", Text(await AskAsync(anyone, "working-days:2", "2026-03-16T10:00:00+05:00"), "dueDate"));
        // Registered on Monday 23 November: the consultation is due on Wednesday 25 November, the pothole on 3 December.
        var subsidy = await app.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(r));
        var pothole = await app.AppealInAsync(AppealStatus.InWork);
        Assert.Equal((new DateOnly(2026, 11, 25), new DateOnly(2026, 12, 3)), (subsidy.AnswerDueDate!.Value, pothole.AnswerDueDate!.Value));

        await anyone.PutJsonAsync($"{Api}/calendar/regional-days/2026-03-18", new { kind = "dayOff", note = "День воссоединения Крыма с Россией" })
            .Expect(HttpStatusCode.Unauthorized);
        await app.ClientAs(Persona.MunBAdmin).PutJsonAsync($"{Api}/calendar/regional-days/2026-03-18", new { kind = "dayOff", note = "День воссоединения Крыма с Россией" })
            .ExpectProblem(HttpStatusCode.Forbidden, "auth.forbidden");
        var set = await (await admin.PutJsonAsync($"{Api}/calendar/regional-days/2026-03-18", new { kind = "dayOff", note = "День воссоединения Крыма с Россией" })
            .Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.Equal(("dayOff", true), (set.GetProperty("day").GetProperty("kind").GetString(), set.GetProperty("day").GetProperty("isRegional").GetBoolean()));
        Assert.Equal("2026-03-19", Text(await AskAsync(anyone, "working-days:2", "2026-03-16T10:00:00+05:00"), "dueDate"));
        var march = await (await anyone.GetAsync($"{Api}/calendar/2026").Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        var listed = march.GetProperty("days").EnumerateArray().Single(d => d.GetProperty("date").GetString() == "2026-03-18");
        Assert.Equal(("dayOff", true, "День воссоединения Крыма с Россией"),
            (listed.GetProperty("kind").GetString(), listed.GetProperty("isRegional").GetBoolean(), listed.GetProperty("note").GetString()));
        var years = await anyone.GetListAsync<CalendarApi.YearView>($"{Api}/calendar");
        Assert.Equal(246, years.Single(y => y.Year == 2026).WorkingDays);

        // A regional day off on Tuesday 24 November: the consultation's two working days become 25 and 26 November.
        await admin.PutJsonAsync($"{Api}/calendar/regional-days/2026-11-24", new { kind = "dayOff", note = "День образования Тестовой области" })
            .Expect(HttpStatusCode.OK);
        var moved = await app.GetAsync(subsidy.Id);
        Assert.Equal((new DateOnly(2026, 11, 26), Utc(2026, 11, 26, 18, 59, 59), Utc(2026, 11, 26, 18, 59, 59)),
            (moved.AnswerDueDate!.Value, moved.AnswerDueAtUtc!.Value, moved.DueAtUtc));
        Assert.Equal(Utc(2026, 11, 25, 4, 0), moved.AtRiskFromUtc);
        var calendarDays = await app.GetAsync(pothole.Id);
        Assert.Equal((new DateOnly(2026, 12, 3), pothole.DueAtUtc), (calendarDays.AnswerDueDate!.Value, calendarDays.DueAtUtc));   // calendar days do not care

        // Deleting the days puts everything back.
        await admin.DeleteAsync($"{Api}/calendar/regional-days/2026-11-24").Expect(HttpStatusCode.NoContent);
        await admin.DeleteAsync($"{Api}/calendar/regional-days/2026-03-18").Expect(HttpStatusCode.NoContent);
        Assert.Equal((new DateOnly(2026, 11, 25), subsidy.DueAtUtc), ((await app.GetAsync(subsidy.Id)).AnswerDueDate!.Value, (await app.StoredAsync(subsidy.Id)).DueAtUtc));
        Assert.Equal("2026-03-18", Text(await AskAsync(anyone, "working-days:2", "2026-03-16T10:00:00+05:00"), "dueDate"));
        Assert.Equal(247, (await anyone.GetListAsync<CalendarApi.YearView>($"{Api}/calendar")).Single(y => y.Year == 2026).WorkingDays);
        await admin.DeleteAsync($"{Api}/calendar/regional-days/2026-03-18").ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_regional_day_is_refused_on_bad_input_and_never_overwrites_a_federal_one(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var admin = app.ClientAs(Persona.RegionAdmin);
        var before = await app.WithDbAsync(db => db.CalendarDays.CountAsync());

        var problem = await admin.PutJsonAsync($"{Api}/calendar/regional-days/2031-03-18", new { kind = "dayOff", note = "День республики" })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "calendar.missing_year");
        Assert.True(problem.GetProperty("errors").TryGetProperty("date", out _));
        problem = await admin.PutJsonAsync($"{Api}/calendar/regional-days/2026-03-18", new { note = "День республики" })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "field.required");
        Assert.True(problem.GetProperty("errors").TryGetProperty("kind", out _));
        problem = await admin.PutJsonAsync($"{Api}/calendar/regional-days/2026-03-18", new { kind = "dayOff" })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "field.required");
        Assert.True(problem.GetProperty("errors").TryGetProperty("note", out _));
        await admin.PutJsonAsync($"{Api}/calendar/regional-days/18.03.2026", new { kind = "dayOff", note = "День республики" })
            .ExpectProblem(HttpStatusCode.BadRequest, "calendar.date");

        // 9 March 2026 is the federal day off moved from 8 March. Were a regional "working day" written over it, deleting
        // that would lose the federal day for good (there is one row per date), so it is refused.
        await admin.PutJsonAsync($"{Api}/calendar/regional-days/2026-03-09", new { kind = "working", note = "Рабочий день в области" })
            .ExpectProblem(HttpStatusCode.Conflict, "calendar.federal_day");
        var federal = await app.WithDbAsync(db => db.CalendarDays.AsNoTracking().SingleAsync(d => d.Date == new DateOnly(2026, 3, 9)));
        Assert.Equal((DayKind.DayOff, false), (federal.Kind, federal.IsRegional));
        Assert.Equal(before, await app.WithDbAsync(db => db.CalendarDays.CountAsync()));
        Assert.Equal("2026-03-11", Text(await AskAsync(app.Anonymous(), "working-days:2", "2026-03-06T10:00:00+05:00"), "dueDate"));
    }
}
