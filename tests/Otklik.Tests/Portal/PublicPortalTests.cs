using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Portal.Public;
using Otklik.Tests.Infrastructure;
using static Otklik.Tests.Portal.PublicSupport;

namespace Otklik.Tests.Portal;

/// <summary>
/// The public, anonymous side of the portal: what is published (and what never is), the masked text, the answer only
/// once sent, "me too" once per person, the feed's filters, sort and pages, the output cache, the statistics.
/// Each test starts its own app: the pages list everything published, so the tests must not see each other's appeals.
/// </summary>
public sealed class PublicPortalTests
{
    static readonly string[] PublicPages = ["/", "/feed", "/feed?kind=Problems", "/feed?sort=Popular", "/map", "/map/markers?zoom=19", "/map/markers?zoom=4", "/stats", "/stats.csv"];

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Only_moderated_published_appeals_appear_and_every_other_is_404_on_every_public_page(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var photo = await UploadAsync(app, Persona.Applicant, Png(8, 6), "яма.png");
        var hiddenPhoto = await UploadAsync(app, Persona.Applicant, Png(8, 6), "двор.png");
        var shown = await app.AppealInAsync(AppealStatus.Registered,
            Published(r, 0, "ПОКАЗАНО: яма у дома 1 на улице Первой, ремонт нужен срочно.").With("attachmentIds", new[] { photo.Id }));
        var hidden = new Dictionary<string, AppealView>
        {
            ["СКРЫТО-МОДЕРАЦИЯ"] = await app.AppealInAsync(AppealStatus.Moderation, Published(r, 1, "СКРЫТО-МОДЕРАЦИЯ: яма у дома 2 на улице Второй.")),
            ["СКРЫТО-УТОЧНЕНИЕ"] = await app.AppealInAsync(AppealStatus.Clarification, Published(r, 2, "СКРЫТО-УТОЧНЕНИЕ: яма у дома 3 на улице Третьей.")),
            ["СКРЫТО-ОТКЛОНЕНО"] = await app.AppealInAsync(AppealStatus.Rejected, Published(r, 3, "СКРЫТО-ОТКЛОНЕНО: яма у дома 4 на улице Четвёртой.")),
            ["СКРЫТО-НЕПУБЛИЧНО"] = await app.AppealInAsync(AppealStatus.AnswerSent,
                Published(r, 4, "СКРЫТО-НЕПУБЛИЧНО: яма у дома 5 на улице Пятой.").With("isPublic", false).With("publicationConsent", false)
                    .With("attachmentIds", new[] { hiddenPhoto.Id })),
            ["СКРЫТО-СОГЛАСИЕ"] = await app.AppealInAsync(AppealStatus.Registered,
                Published(r, 5, "СКРЫТО-СОГЛАСИЕ: яма у дома 6 на улице Шестой.").With("isPublic", false)),
        };
        var duplicate = await app.SubmitAsync(Published(r, 6, "СКРЫТО-ДУБЛЬ: та же яма у дома 1 на улице Первой."));
        hidden["СКРЫТО-ДУБЛЬ"] = await app.ActAsync(Persona.CentreModerator, duplicate, "merge", new { targetAppealId = shown.Id });
        Assert.Equal(AppealStatus.Merged, hidden["СКРЫТО-ДУБЛЬ"].Status);

        var anonymous = app.Anonymous();
        var staff = app.ClientAs(Persona.RegionAdmin);
        foreach (var url in PublicPages)
        {
            var body = await anonymous.HtmlAsync(url);
            foreach (var (marker, a) in hidden)
            {
                Assert.DoesNotContain(marker, body);
                Assert.DoesNotContain(a.Number, body);
            }
            if (!url.StartsWith("/stats", StringComparison.Ordinal)) Assert.Contains(shown.Number, body);
        }
        Assert.Contains("ПОКАЗАНО", await anonymous.HtmlAsync($"/appeals/{shown.Number}"));
        foreach (var a in hidden.Values)
        {
            // Not published is not found, for everyone: the staff too see only what the public sees here.
            Assert.Contains("Обращение не найдено", await anonymous.HtmlAsync($"/appeals/{a.Number}", HttpStatusCode.NotFound));
            await staff.HtmlAsync($"/appeals/{a.Number}", HttpStatusCode.NotFound);
        }
        Assert.Contains("Опубликовано обращений;1\r\n", await anonymous.HtmlAsync("/stats.csv"));

        // Photos: only an image of a published appeal, and only under its own number.
        var served = await anonymous.GetAsync($"/appeals/{shown.Number}/photos/{photo.Id}").Expect(HttpStatusCode.OK);
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(photo.Size, (await served.Content.ReadAsByteArrayAsync()).Length);
        Assert.Contains($"/appeals/{shown.Number}/photos/{photo.Id}", await anonymous.HtmlAsync($"/appeals/{shown.Number}"));
        var notPublic = hidden["СКРЫТО-НЕПУБЛИЧНО"];
        await anonymous.GetAsync($"/appeals/{notPublic.Number}/photos/{hiddenPhoto.Id}").Expect(HttpStatusCode.NotFound);
        await anonymous.GetAsync($"/appeals/{shown.Number}/photos/{hiddenPhoto.Id}").Expect(HttpStatusCode.NotFound);
        // The view counter counted only the published appeal's views (written in a batch).
        await app.Services.GetRequiredService<PublicViewCounts>().FlushAsync();
        var views = await app.WithDbAsync(db => db.Appeals.Where(a => a.PublicViews > 0).Select(a => a.Number).ToListAsync());
        Assert.Equal([shown.Number], views);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_applicants_surname_phone_email_and_address_never_reach_a_public_page(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var body = Published(app.Region, 0, "Во дворе дома 10 на улице Первой провал асфальта, машины застревают.")
            .With("applicant", new Dictionary<string, object?>
            {
                ["kind"] = "person", ["lastName"] = "Черепанова", ["firstName"] = "Дарья", ["middleName"] = "Олеговна",
                ["email"] = "cherepanova.d@example.ru", ["phone"] = "+7 (900) 111-22-33", ["postalAddress"] = "620000, г. А, ул. Тайная, 7, кв. 99",
            });
        var a = await app.AppealInAsync(AppealStatus.AnswerSent, body);
        string[] secrets = ["Черепанова", "Олеговна", "cherepanova", "111-22-33", "Тайная", "кв. 99"];

        using var signedIn = await PortalClient.SignInAsync(app, Persona.OtherApplicant);
        foreach (var client in new[] { app.Anonymous(), signedIn.Client })
            foreach (var url in PublicPages.Append($"/appeals/{a.Number}"))
            {
                var html = await client.HtmlAsync(url);
                foreach (var secret in secrets) Assert.False(html.Contains(secret, StringComparison.OrdinalIgnoreCase), $"{url} shows «{secret}».");
            }
        Assert.Contains("Дарья Ч.", await app.Anonymous().HtmlAsync($"/appeals/{a.Number}"));
        Assert.Contains("Дарья Ч.", await app.Anonymous().HtmlAsync("/feed"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_moderators_masked_text_replaces_the_text_on_every_public_page(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var a = await app.AppealInAsync(AppealStatus.Registered,
            Published(app.Region, 0, "Сосед Пётр Сидорчук из квартиры 15 сливает отработанное масло во дворе дома 10 на улице Первой."));
        var anonymous = app.Anonymous();
        Assert.Contains("Сидорчук", await anonymous.HtmlAsync($"/appeals/{a.Number}"));

        a = await app.ActAsync(Persona.CentreModerator, a, "public-text",
            new { text = "Сосед *** из квартиры *** сливает отработанное масло во дворе дома 10 на улице Первой." });
        foreach (var url in new[] { $"/appeals/{a.Number}", "/feed", "/" })
        {
            var html = await anonymous.HtmlAsync(url);
            Assert.DoesNotContain("Сидорчук", html);
            Assert.Contains("Сосед *** из квартиры ***", html);
        }
        var (stored, last) = await app.WithDbAsync(async db => (
            await db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id),
            await db.AppealEvents.AsNoTracking().Where(e => e.AppealId == a.Id).OrderBy(e => e.Sequence).LastAsync()));
        Assert.StartsWith("Сосед *** из квартиры ***", stored.PublicText);
        Assert.Contains("Сидорчук", stored.Text);
        Assert.Equal((EventKind.PublicTextEdited, app.Region.IdOf(Persona.CentreModerator)), (last.Kind, last.ActorId));
        Assert.DoesNotContain("Сидорчук", (last.Note ?? "") + last.Data);
        // Someone who sees the appeal but is not its moderator may not change what is published.
        await app.ClientAs(Persona.MunAExecutor).PostJsonAsync($"/api/v1/appeals/{a.Id}/public-text", new { version = a.Version, text = "Другой текст обращения." })
            .Expect(HttpStatusCode.Forbidden);

        // The moderator's page offers the same action; an empty field publishes the text as it is again.
        using var moderator = await PortalClient.SignInAsync(app, Persona.CentreModerator);
        var review = await moderator.PageAsync($"/office/moderation/{a.Id}");
        Assert.Contains("Текст для публикации на портале", review);
        var posted = await moderator.PostAsync($"/office/moderation/{a.Id}?handler=publictext",
            new() { ["Version"] = a.Version.ToString(CultureInfo.InvariantCulture), ["PublicText"] = "" });
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Null(await app.WithDbAsync(db => db.Appeals.Where(x => x.Id == a.Id).Select(x => x.PublicText).SingleAsync()));
        Assert.Contains("Сидорчук", await anonymous.HtmlAsync($"/appeals/{a.Number}"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_answer_shows_only_once_sent_never_as_a_draft_and_the_rating_with_it(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        const string answer = "Яма будет заделана до 1 декабря";
        var a = await app.AppealInAsync(AppealStatus.AnswerDraft, Published(app.Region, 0, "Яма на проезжей части у дома 10 на улице Первой."));
        var (_, executor, controller) = Scenario.Staff(app, a);
        var anonymous = app.Anonymous();
        Assert.DoesNotContain(answer, await anonymous.HtmlAsync($"/appeals/{a.Number}"));

        a = await app.ActAsync(executor, a, "answer/submit");
        Assert.Equal(AppealStatus.AnswerReview, a.Status);
        Assert.DoesNotContain(answer, await anonymous.HtmlAsync($"/appeals/{a.Number}"));
        Assert.Contains("В работе", await anonymous.HtmlAsync($"/appeals/{a.Number}"));

        a = await app.ActAsync(controller, a, "answer/approve");
        var sent = await anonymous.HtmlAsync($"/appeals/{a.Number}");
        Assert.Contains(answer, sent);
        Assert.Contains("Дан ответ", sent);

        // A low rating reopens the appeal: the executor's next answer is a draft again, and the page does not show it.
        a = await app.ActAsync(Persona.Applicant, a, "rate", new { score = 2 });
        a = await app.AppealStatusAsync(a, AppealStatus.InWork, executor);
        a = await app.ActAsync(executor, a, "answer", new { text = "ЧЕРНОВИК повторного ответа: подрядчик выйдет на объект.", result = "supportedMeasuresTaken" });
        var reopened = await anonymous.HtmlAsync($"/appeals/{a.Number}");
        Assert.DoesNotContain("ЧЕРНОВИК", reopened);
        Assert.DoesNotContain("ЧЕРНОВИК", await anonymous.HtmlAsync("/feed"));

        var closed = await app.AppealInAsync(AppealStatus.Closed, Published(app.Region, 1, "Не горит фонарь у дома 12 на улице Первой."));
        var page = await anonymous.HtmlAsync($"/appeals/{closed.Number}");
        Assert.Contains(answer, page);
        Assert.Contains("Оценка заявителя: 5 из 5", page);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_signed_in_person_supports_an_appeal_once(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var a = await app.AppealInAsync(AppealStatus.Registered, Published(app.Region, 0, "Яма на проезжей части у дома 10 на улице Первой."));
        var url = $"/appeals/{a.Number}";

        var anonymousPage = await app.Anonymous().HtmlAsync(url);
        Assert.DoesNotContain(">Поддержать</button>", anonymousPage);
        Assert.Contains("/account/login?ReturnUrl=", anonymousPage);
        // Without a session (and its antiforgery token) nothing is counted.
        await app.Anonymous().PostAsync(url + "?handler=support", new FormUrlEncodedContent([])).Expect(HttpStatusCode.BadRequest);

        using var anna = await PortalClient.SignInAsync(app, Persona.Applicant);
        Assert.Contains(">Поддержать</button>", await anna.PageAsync(url));
        var first = await anna.PostAsync(url + "?handler=support");
        Assert.Equal((HttpStatusCode.Redirect, $"/appeals/{a.Number}#support"), (first.StatusCode, first.Headers.Location?.OriginalString));
        Assert.Equal(HttpStatusCode.Redirect, (await anna.PostAsync(url + "?handler=support")).StatusCode);
        var again = await anna.PageAsync(url);
        Assert.Contains("Вы уже поддержали это обращение.", again);
        Assert.DoesNotContain(">Поддержать</button>", again);

        using var other = await PortalClient.SignInAsync(app, Persona.OtherApplicant);
        await other.PageAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, (await other.PostAsync(url + "?handler=support")).StatusCode);

        var (rows, counter) = await app.WithDbAsync(async db => (
            await db.Set<AppealSupport>().Where(s => s.AppealId == a.Id).Select(s => s.PersonId).OrderBy(p => p).ToListAsync(),
            await db.Appeals.Where(x => x.Id == a.Id).Select(x => x.Supports).SingleAsync()));
        Assert.Equal(new[] { app.Region.IdOf(Persona.Applicant), app.Region.IdOf(Persona.OtherApplicant) }.Order(), rows);
        Assert.Equal(2, counter);
        Assert.Contains("<dt>Поддержали</dt><dd>2</dd>", await app.Anonymous().HtmlAsync(url));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_feed_filters_by_type_and_category_sorts_by_date_or_popularity_and_pages(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var problem = await app.AppealInAsync(AppealStatus.Registered, Published(r, 0, "Яма на проезжей части у дома 1 на улице Первой."));
        var proposal = await app.AppealInAsync(AppealStatus.Registered, Published(r, 1, "Предлагаю поставить скамейки у дома 2.").With("type", "proposal"));
        var gratitude = await app.AppealInAsync(AppealStatus.Registered, Published(r, 2, "Спасибо за быстрый ремонт дороги у дома 3.").With("type", "gratitude"));
        var solved = await app.AppealInAsync(AppealStatus.AnswerSent, Published(r, 3, "Яма у дома 4 на улице Четвёртой."));
        var business = await app.AppealInAsync(AppealStatus.Registered, Samples.Subsidy(r).With("isPublic", true).With("publicationConsent", true));
        var others = new List<AppealView>();
        for (var i = 0; i < 16; i++)
            others.Add(await app.AppealInAsync(AppealStatus.Registered, Published(r, 10 + i, $"Яма номер {i + 1} на улице Длинной, нужен ремонт.")));
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var newest = await app.AppealInAsync(AppealStatus.Registered, Published(r, 4, "Самая новая яма у дома 5 на улице Пятой."));
        var all = new[] { problem, proposal, gratitude, solved, business, newest }.Concat(others).Select(a => a.Number).ToHashSet();
        var web = app.Anonymous();

        Assert.Equal(new[] { proposal.Number }, Numbers(await web.HtmlAsync("/feed?kind=Proposals")));
        Assert.Equal(new[] { gratitude.Number }, Numbers(await web.HtmlAsync("/feed?kind=Gratitude")));
        Assert.Equal(new[] { solved.Number }, Numbers(await web.HtmlAsync("/feed?kind=Solved")));
        Assert.Equal(new[] { business.Number }, Numbers(await web.HtmlAsync($"/feed?category={r.BusinessCategory}")));
        var problems = await web.HtmlAsync("/feed?kind=Problems&p=2");
        Assert.Contains("Найдено обращений: 19", problems);
        Assert.DoesNotContain(proposal.Number, problems);

        // Newest first, twenty to a page, every published appeal on exactly one page.
        var page1 = Numbers(await web.HtmlAsync("/feed"));
        var page2 = Numbers(await web.HtmlAsync("/feed?p=2"));
        Assert.Equal((20, 2, newest.Number), (page1.Count, page2.Count, page1[0]));
        Assert.Equal(all, page1.Concat(page2).ToHashSet());
        Assert.Equal(22, page1.Concat(page2).Count());

        // Popularity: views (counted even when the page comes from the cache, a visitor once a day) and supports.
        for (var i = 0; i < 3; i++) await web.HtmlAsync($"/appeals/{gratitude.Number}");
        await app.Services.GetRequiredService<PublicViewCounts>().FlushAsync(); // the node's own 5-s flush may have written some already
        Assert.Equal(1, await app.WithDbAsync(db => db.Appeals.Where(a => a.Id == gratitude.Id).Select(a => a.PublicViews).SingleAsync()));
        Assert.Equal(gratitude.Number, Numbers(await web.HtmlAsync("/feed?sort=Popular"))[0]);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Anonymous_pages_come_from_the_cache_until_the_appeal_changes(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var a = await app.AppealInAsync(AppealStatus.Registered, Published(app.Region, 0, "ИСХОДНЫЙ текст: яма у дома 10 на улице Первой."));
        var web = app.Anonymous();
        Assert.Contains("ИСХОДНЫЙ", await web.HtmlAsync($"/appeals/{a.Number}"));
        Assert.Contains("ИСХОДНЫЙ", await web.HtmlAsync("/feed"));

        // A change behind the application's back: the cached pages still show the old text, a signed-in caller the new one.
        await app.WithDbAsync(db => db.Appeals.Where(x => x.Id == a.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.PublicText, "ТАЙНО ИЗМЕНЁН: яма у дома 10.")));
        Assert.Contains("ИСХОДНЫЙ", await web.HtmlAsync($"/appeals/{a.Number}"));
        Assert.Contains("ИСХОДНЫЙ", await web.HtmlAsync("/feed"));
        Assert.Contains("ТАЙНО ИЗМЕНЁН", await app.ClientAs(Persona.OtherApplicant).HtmlAsync($"/appeals/{a.Number}"));
        // The high-contrast version is cached apart.
        using (var highContrast = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = app.BaseAddress })
        {
            highContrast.DefaultRequestHeaders.Add("Cookie", "contrast=high");
            Assert.Contains("ТАЙНО ИЗМЕНЁН", await highContrast.HtmlAsync($"/appeals/{a.Number}"));
        }

        // A change through the application evicts the appeal's page and the lists.
        a = await app.ActAsync(Persona.CentreModerator, a, "public-text", new { text = "ИСПРАВЛЕН модератором: яма у дома 10." });
        Assert.Contains("ИСПРАВЛЕН", await web.HtmlAsync($"/appeals/{a.Number}"));
        Assert.Contains("ИСПРАВЛЕН", await web.HtmlAsync("/feed"));
        // Every visitor was counted, cached page or not, once: the three anonymous GETs and the high-contrast one come from
        // one address, the signed-in person is another.
        await app.Services.GetRequiredService<PublicViewCounts>().FlushAsync();
        Assert.Equal(2, await app.WithDbAsync(db => db.Appeals.Where(x => x.Id == a.Id).Select(x => x.PublicViews).SingleAsync()));

        // Any other change of the appeal (here the dispatcher's assignment) evicts it too.
        var (dispatcher, executor, _) = Scenario.Staff(app, a);
        await app.WithDbAsync(db => db.Appeals.Where(x => x.Id == a.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.PublicText, "СНОВА ТАЙНО: яма у дома 10.")));
        Assert.Contains("ИСПРАВЛЕН", await web.HtmlAsync($"/appeals/{a.Number}"));
        await app.ActAsync(dispatcher, a, "assign", new { personId = app.Region.IdOf(executor) });
        Assert.Contains("СНОВА ТАЙНО", await web.HtmlAsync($"/appeals/{a.Number}"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_statistics_count_exactly_the_published_appeals(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        await app.AppealInAsync(AppealStatus.Registered, Published(r, 0, "Яма у дома 1 на улице Первой."));
        await app.AppealInAsync(AppealStatus.InWork, Published(r, 1, "Яма у дома 2 на улице Первой."));
        await app.AppealInAsync(AppealStatus.AnswerSent, Published(r, 2, "Яма у дома 3 на улице Первой."));
        await app.AppealInAsync(AppealStatus.Closed, Published(r, 3, "Яма у дома 4 на улице Первой."));
        await app.AppealInAsync(AppealStatus.Closed, Published(r, 4, "Яма у дома 5 на улице Первой."));
        await app.AppealInAsync(AppealStatus.Registered, Published(r, 5, "Яма в городе Б.").With("latitude", TestRegion.InsideB.Lat).With("longitude", TestRegion.InsideB.Lon));
        await app.AppealInAsync(AppealStatus.Registered, Samples.Subsidy(r).With("isPublic", true).With("publicationConsent", true));
        await app.AppealInAsync(AppealStatus.Rejected, Published(r, 6, "Отклонённая яма."));
        await app.AppealInAsync(AppealStatus.Closed, Published(r, 7, "Непубличная яма.").With("isPublic", false));
        await app.AppealInAsync(AppealStatus.Moderation, Published(r, 8, "Яма на модерации."));

        // The count the test makes itself, straight from the rule's words.
        var published = await app.WithDbAsync(async db => (await db.Appeals.AsNoTracking().ToListAsync())
            .Where(a => a.IsPublic && a.PublicationConsent && a.RegisteredAtUtc is not null
                        && a.Status is not (AppealStatus.Moderation or AppealStatus.Clarification or AppealStatus.Rejected or AppealStatus.Merged)).ToList());
        var categories = await app.WithDbAsync(db => db.Categories.ToDictionaryAsync(c => c.Id, c => c.Name));
        var territories = await app.WithDbAsync(db => db.Territories.ToDictionaryAsync(t => t.Id, t => t.Name));
        Assert.Equal(7, published.Count);

        var csv = (await app.Anonymous().HtmlAsync("/stats.csv")).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l.Split(';')).ToLookup(c => c[0], c => (Label: c[1], Value: c[2]));
        int Value(string section, string label) => int.Parse(csv[section].Single(x => x.Label == label).Value, CultureInfo.InvariantCulture);

        Assert.Equal(published.Count, Value("Всего", "Опубликовано обращений"));
        foreach (var g in published.GroupBy(a => categories[a.CategoryId])) Assert.Equal(g.Count(), Value("Категория", g.Key));
        foreach (var g in published.GroupBy(a => a.TerritoryId is { } t ? territories[t] : "Без территории")) Assert.Equal(g.Count(), Value("Территория", g.Key));
        Assert.Equal(published.Count, csv["Территория"].Sum(x => int.Parse(x.Value, CultureInfo.InvariantCulture)));
        Assert.Equal(published.Count(a => a.Status is AppealStatus.Registered or AppealStatus.Assigned), Value("Состояние", "Принято к рассмотрению"));
        Assert.Equal(published.Count(a => a.Status == AppealStatus.Closed), Value("Состояние", "Закрыто"));
        Assert.Equal(published.Count, csv["Месяц"].Sum(x => int.Parse(x.Value, CultureInfo.InvariantCulture)));
        var answered = published.Where(a => a.Status is AppealStatus.AnswerSent or AppealStatus.Closed).ToList();
        Assert.Equal(answered.Count, Value("Ответы", "Дан ответ"));
        Assert.Equal(answered.Count(a => a.AnsweredAtUtc <= a.AnswerDueAtUtc), Value("Ответы", "Ответ дан в срок"));
        var rated = published.Where(a => a.Rating is not null).ToList();
        Assert.Equal(rated.Count, Value("Оценки", "Оценено ответов"));
        Assert.Equal(rated.Average(a => a.Rating!.Value).ToString("0.00", CultureInfo.InvariantCulture), csv["Оценки"].Single(x => x.Label == "Средняя оценка").Value);

        // The page draws the same numbers: a chart and a table for each, the numbers in the table.
        var html = await app.Anonymous().HtmlAsync("/stats");
        foreach (var chart in new[] { "by-category", "by-territory", "by-stage", "by-month" }) Assert.Contains($"data-chart=\"{chart}\"", html);
        Assert.Equal(4, html.Split("<table class=\"chart-table\">").Length - 1);
        Assert.Contains($"<strong data-stat=\"total\">{published.Count}</strong>", html);
        foreach (var g in published.GroupBy(a => categories[a.CategoryId]))
            Assert.Contains($"<tr><th scope=\"row\">{g.Key}</th><td class=\"num\">{g.Count()}</td></tr>", html);
        Assert.Equal(Encoding.UTF8.GetPreamble(), (await app.Anonymous().GetByteArrayAsync("/stats.csv"))[..3]);
    }
}

static class PublicScenario
{
    /// <summary>Takes a reopened appeal back into work, as its executor would.</summary>
    public static async Task<AppealView> AppealStatusAsync(this TestApp app, AppealView a, AppealStatus status, Persona executor)
    {
        if (a.Status == status) return a;
        if (a.Status == AppealStatus.Registered)
        {
            var (dispatcher, _, _) = Scenario.Staff(app, a);
            a = await app.ActAsync(dispatcher, a, "assign", new { personId = app.Region.IdOf(executor) });
            return await app.ActAsync(executor, a, "start");
        }
        return a;
    }
}
