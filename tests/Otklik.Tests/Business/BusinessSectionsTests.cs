using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Otklik.Features.Analytics;
using Otklik.Features.Business;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Portal;

namespace Otklik.Tests.Business;

/// <summary>
/// Issue 23.1–23.3 and 23.5: the sections' items with their owners and clocks, the events' calendar and registration,
/// fund pages, requests about a business site, subscriptions to new measures, the traffic the app counts and the
/// fortnightly report mailed to the ministry and the curator.
/// </summary>
public sealed class BusinessSectionsTests
{
    static object News(Guid org, string title) => new { section = "News", organisationId = org, title, summary = "Коротко.", body = "Текст новости фонда." };

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_fund_posts_news_and_an_event_its_clock_restarts_and_a_visitor_registers_once_and_gets_the_letter(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var admin = app.ClientAs(Persona.RegionAdmin);
        var posted = await admin.PostAsJsonAsync("/api/v1/business/items", News(r.Fund, "Фонд снизил ставку по микрозаймам"));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var clock = await app.WithDbAsync(db => db.SectionClocks.AsNoTracking().SingleAsync(c => c.Section == PortalSection.News && c.OrganisationId == r.Fund));
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, clock.LastUpdatedAtUtc);
        Assert.Equal(15, clock.PeriodDays);

        // Bad input is refused by its fields, and nothing is stored; another organisation's person may not post for the fund.
        var bad = await admin.PostAsJsonAsync("/api/v1/business/items", new { section = "Events", organisationId = r.Fund, title = "", body = "Семинар" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var errors = (await bad.ProblemAsync()).GetProperty("errors");
        foreach (var field in new[] { "title", "startsAt", "address" }) Assert.True(errors.TryGetProperty(field, out _), field);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientAs(Persona.MunADispatcher).PostAsJsonAsync("/api/v1/business/items", News(r.Fund, "Чужая новость"))).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.PortalItems.CountAsync()));

        var starts = new DateTime(2026, 12, 3, 6, 0, 0, DateTimeKind.Utc);
        var ev = await admin.PostAsJsonAsync("/api/v1/business/items", new
        {
            section = "Events", organisationId = r.Fund, title = "Семинар «Как получить микрозаём»", body = "Условия и документы.", startsAtUtc = starts,
            capacity = 1, address = "г. Уралград, ул. Ленина, 24",
        });
        Assert.Equal(HttpStatusCode.Created, ev.StatusCode);
        var eventId = JsonDocument.Parse(await ev.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        using var visitor = new PortalSession(app);
        Assert.Contains("Фонд снизил ставку по микрозаймам", await visitor.GetAsync("/business/news"));
        var calendar = await visitor.GetAsync("/business/events?month=2026-12");
        Assert.Matches($"<td class=\"[^\"]*has-events\"><span class=\"day\">3</span>\\s*<a href=\"/business/events/{eventId}\">11:00 Семинар", calendar);
        Assert.Contains($"href=\"/business/events/{eventId}\"", await visitor.GetAsync($"/business/funds/{r.Fund}"));

        var page = $"/business/events/{eventId}";
        await visitor.GetAsync(page);
        var email = MailBox.NewAddress("seminar");
        var noConsent = await visitor.PostAsync(page, [new("Name", "Ксения Белова"), new("Email", email), new("Consent", "false")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noConsent.StatusCode);
        Assert.Contains("id=\"consent-error\"", await noConsent.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.PostAsync(page, [new("Name", "Ксения Белова"), new("Email", email), new("Consent", "true"), new("Consent", "false")])).StatusCode);
        Assert.Contains("Вы зарегистрированы", await visitor.GetAsync(page));
        // The only place is taken: the next visitor is told so, and nobody is registered twice.
        using var second = new PortalSession(app);
        Assert.Contains("Свободных мест не осталось", await second.GetAsync(page));
        Assert.Equal(1, await app.WithDbAsync(db => db.EventRegistrations.CountAsync(x => x.ItemId == eventId)));

        await app.DispatchMailAsync();
        var letter = await app.Mail.WaitForAsync(email, m => m.Subject == "Регистрация на мероприятие: Семинар «Как получить микрозаём»");
        Assert.Contains("Когда: 03.12.2026 11:00", letter.TextOf());
        Assert.Contains($"/business/events/{eventId}", letter.TextOf());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Site_requests_and_traffic_are_counted_and_the_fortnightly_report_is_mailed_and_archived(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var admin = app.ClientAs(Persona.RegionAdmin);
        // The fund answers business questions on its own topic (its contact form, 2 working days).
        await app.WithDbAsync(async db =>
        {
            var topic = Guid.NewGuid();
            db.Topics.Add(new Features.Directory.Topic
            {
                Id = topic, CategoryId = r.BusinessCategory, Name = "Вопросы фонду", DefaultKind = Features.Appeals.AppealKind.SimpleConsultation,
                DefaultRegime = Features.Appeals.LegalRegime.BusinessConsultation,
                Routes = [new Features.Directory.TopicRoute { Id = Guid.NewGuid(), TopicId = topic, OrganisationId = r.Fund }],
            });
            db.DeadlineRules.Add(new Features.Deadlines.DeadlineRule { Id = Guid.NewGuid(), Stage = Features.Deadlines.DeadlineStage.Answer, TopicId = topic, Policy = "working-days:2" });
            await db.SaveChangesAsync();
        });
        app.Services.GetRequiredService<Features.Deadlines.DeadlineClocks>().Invalidate();
        var site = await admin.PostAsJsonAsync("/api/v1/business/items", new
        {
            section = "Sites", organisationId = r.Fund, title = "Промплощадка «Северная», 4,5 га", body = "Электричество 2 МВт, газ.", address = "г. Уралград, Северный промрайон, 12",
            latitude = 56.87, longitude = 60.62,
        });
        Assert.Equal(HttpStatusCode.Created, site.StatusCode);
        var siteId = JsonDocument.Parse(await site.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        using var visitor = new PortalSession(app);
        var map = await visitor.GetAsync("/business/sites");
        Assert.Contains("data-business-map", map);
        Assert.Contains($"/business/funds/{r.Fund}", WebUtility.HtmlDecode(map));
        await visitor.GetAsync("/business/sites");
        Assert.Contains($"href=\"/contact/{r.Fund}?item={siteId}\"", await visitor.GetAsync($"/business/sites/{siteId}"));
        using var other = new PortalSession(app);
        await other.GetAsync("/business/sites");

        var form = $"/contact/{r.Fund}?item={siteId}";
        Assert.Contains("Запрос по бизнес-площадке: <strong>Промплощадка «Северная», 4,5 га</strong>", await visitor.GetAsync(form));
        var key = Regex.Match(await visitor.GetAsync(form), "name=\"IdempotencyKey\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.PostAsync(form, [new("IdempotencyKey", key), new("Name", "Олег Кузнецов"), new("Email", MailBox.NewAddress("site")),
            new("Message", "Можно ли арендовать половину площадки под склад?"), new("Consent", "true"), new("Consent", "false")])).StatusCode);
        var request = await app.WithDbAsync(db => db.PortalRequests.AsNoTracking().SingleAsync());
        Assert.Equal((PortalRequestKind.Site, r.Fund, (Guid?)siteId), (request.Kind, request.OrganisationId, request.ItemId));
        var appeal = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Id == request.AppealId));
        Assert.StartsWith("Запрос по бизнес-площадке «Промплощадка «Северная», 4,5 га»", appeal.Text);
        Assert.Equal(r.Fund, appeal.ExecutorOrganisationId);

        await app.Services.GetRequiredService<PortalTraffic>().FlushAsync();
        var traffic = await app.WithDbAsync(db => db.PortalTraffic.AsNoTracking().SingleAsync(t => t.Section == "sites"));
        // Four pages of the section by two browsers; nothing in the table says who they were.
        Assert.Equal((4L, 2L), (traffic.Views, traffic.Visitors));

        // The report of the fortnight, mailed to the ministry and the curator, kept in the archive.
        var to = new[] { MailBox.NewAddress("ministry"), MailBox.NewAddress("curator") };
        await app.WithDbAsync(async db =>
        {
            db.ReportSubscriptions.Add(new ReportSubscription
            {
                Id = Guid.NewGuid(), Kind = ReportKind.BusinessPortal, Recipients = string.Join('\n', to), NextRunOn = new DateOnly(2026, 12, 1), CreatedAtUtc = app.Clock.GetUtcNow().UtcDateTime,
            });
            await db.SaveChangesAsync();
        });
        app.Clock.Advance(TimeSpan.FromDays(8));
        Assert.Equal(1, await app.WithDbAsync(db => ReportSchedule.RunOnceAsync(db, app.Clock.GetUtcNow().UtcDateTime, default)));
        await app.DispatchMailAsync();
        foreach (var address in to)
        {
            var letter = await app.Mail.WaitForAsync(address, m => m.Subject == "Портал МСБ: отчёт за две недели 17.11.2026 — 30.11.2026");
            var rows = XlsxText(letter.Attachments.OfType<MimePart>().First());
            Assert.Contains("Посещаемость: просмотры / посетители|Бизнес-площадки|4 / 2", rows);
            Assert.Contains("Запросы: всего / в срок / с опозданием / просрочены без ответа / в работе|Запросы по бизнес-площадкам|1 / 0 / 0 / 1 / 0", rows);
            Assert.Contains(rows, x => x.StartsWith("Обратная связь|Отзывов о портале|0", StringComparison.Ordinal));
        }
        Assert.Equal(1, await app.WithDbAsync(db => db.ArchivedReports.CountAsync(a => a.Kind == ReportKind.BusinessPortal)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_subscriber_is_mailed_about_a_new_measure_that_fits_the_profile_and_not_about_others(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var me = await PortalSession.SignedInAsync(app, Persona.Applicant);
        Assert.Contains("Подписаться", await me.GetAsync("/business/subscribe"));
        var wrong = await me.PostAsync("/business/subscribe", [new("Kinds", "SoleTrader"), new("Okved", "хлеб")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Contains("id=\"okved-error\"", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.MeasureSubscriptions.CountAsync()));
        Assert.Equal(HttpStatusCode.Redirect, (await me.PostAsync("/business/subscribe", [new("Kinds", "SoleTrader"), new("Okved", "10.71")])).StatusCode);
        Assert.Contains("Вы подписаны", await me.GetAsync("/business/subscribe"));

        var now = app.Clock.GetUtcNow().UtcDateTime;
        SupportMeasure Measure(string title, BusinessKinds kinds, string okved) => SupportMeasure.Create(new(title, "Заём на оборудование.", SupportForm.Loan, 1_000_000,
            "до 1 млн ₽", kinds, okved, null, "Залог", "Заявление", null, null, r.Fund, null, null, true), now);
        await app.WithDbAsync(async db =>
        {
            foreach (var m in new[] { Measure("Микрозаём «Пекарня»", BusinessKinds.SoleTrader | BusinessKinds.Small, "10"), Measure("Заём для среднего бизнеса", BusinessKinds.Medium, ""),
                Measure("Заём для торговли", BusinessKinds.SoleTrader, "47") })
            {
                db.SupportMeasures.Add(m);
                Assert.True(m.NewlyPublished);
                await MeasureSubscriptions.NotifyAsync(db, m, now, default);
            }
            await db.SaveChangesAsync();
        });
        Assert.Equal(1, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Type == "business.new_measure")));
        await app.DispatchMailAsync();
        var email = await app.EnsurePasswordAsync(Persona.Applicant);
        var letter = await app.Mail.WaitForAsync(email, m => m.Subject == "Новая мера поддержки: Микрозаём «Пекарня»");
        Assert.Contains("/business/measures/", letter.TextOf());
        Assert.Contains("/business/subscribe", letter.TextOf());

        // Unsubscribed: no letter for the next one.
        await me.GetAsync("/business/subscribe");
        Assert.Equal(HttpStatusCode.Redirect, (await me.PostAsync("/business/subscribe?handler=Cancel", [])).StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.MeasureSubscriptions.CountAsync()));
    }

    static List<string> XlsxText(MimePart part)
    {
        using var s = new MemoryStream();
        part.Content!.DecodeTo(s);
        using var doc = SpreadsheetDocument.Open(new MemoryStream(s.ToArray()), false);
        var sheet = doc.WorkbookPart!.WorksheetParts.First().Worksheet;
        return [.. sheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Row>().Select(row => string.Join("|", row.Elements<DocumentFormat.OpenXml.Spreadsheet.Cell>()
            .Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "")))];
    }
}
