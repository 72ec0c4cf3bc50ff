using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Search;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Knowledge;
using static Otklik.Tests.Portal.PublicSupport;

namespace Otklik.Tests.Portal;

/// <summary>
/// What the public sees of an appeal whose applicant typed personal data into it, through HTTP on both engines: the
/// page, the feed, the home page, the map's data and the public search copy all go through the same masking; the
/// moderator sees what was masked and may release a fragment.
/// </summary>
public sealed class PublicMaskingPortalTests
{
    const string Text = "Я, Петрова Мария Петровна, живу на ул. Малышева, 12. Мой телефон +7 (912) 345-67-89, почта maria.petrova@mail.ru. "
        + "Киоск ИП Чернова А.В. у дома 14 торгует ночью, паспорт 65 04 123456 у продавца никто не проверял. Петровой никто не ответил. "
        + "Обращение 2026-000123 от 12.03.2026 по закону № 59-ФЗ.";

    static Dictionary<string, object?> Body(TestRegion r) => Published(r, 0, Text)
        .With("address", "ул. Малышева, 12")
        .With("applicant", new Dictionary<string, object?>
        {
            ["kind"] = "person", ["lastName"] = "Петрова", ["firstName"] = "Мария", ["middleName"] = "Петровна",
            ["email"] = "maria.petrova@mail.ru", ["phone"] = "+7 912 345-67-89", ["postalAddress"] = "620014, г. Уралград, ул. Малышева, 12, кв. 5",
        });

    // The author line («Мария П.») is the one place the first name is shown, by design; nowhere in the text.
    static readonly string[] Leaks = ["Петров", "петров", "Мария Петровна", "Марии", "345-67-89", "maria.petrova", "Чернова", "123456 ", "Малышева, 12", "Малышева, д. 12"];

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Phones_emails_names_and_the_own_building_are_masked_on_every_public_page_the_map_and_search(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork, Body(app.Region));
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer",
            new { text = "Уважаемая Мария Петровна! Киоск проверен, ИП Чернова А.В. оштрафована. Справки по телефону 8 (3439) 35-20-18.", result = "supportedMeasuresTaken" });
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer/submit");
        a = await app.ActAsync(Persona.MunAController, a, "answer/approve");
        Assert.Equal(AppealStatus.AnswerSent, a.Status);

        var anonymous = app.Anonymous();
        var page = await anonymous.HtmlAsync($"/appeals/{a.Number}");
        foreach (var url in new[] { $"/appeals/{a.Number}", "/feed", "/", "/map" })
        {
            var html = await anonymous.HtmlAsync(url);
            Assert.Contains(a.Number, html);
            foreach (var leak in Leaks) Assert.False(html.Contains(leak, StringComparison.Ordinal), $"{url} publishes «{leak}».");
            Assert.DoesNotContain("35-20-18", html);
        }
        // What stays: the facts, the dates, the appeal and law numbers, the street.
        Assert.Contains("[телефон скрыт]", page);
        Assert.Contains("[эл. почта скрыта]", page);
        Assert.Contains("ИП [имя скрыто]", page);
        Assert.Contains("Уважаемая [имя скрыто]!", page);
        Assert.Contains("2026-000123 от 12.03.2026", page);
        Assert.Contains("59-ФЗ", page);
        Assert.Contains("у дома 14", page);
        Assert.Contains("<dd>ул. Малышева</dd>", page);
        Assert.Contains("ул. Малышева, [дом скрыт]", page);

        // The map's data: the point of the applicant's own building is coarsened to the street.
        var markers = await (await anonymous.GetAsync("/map/markers?zoom=19")).ReadAsync<JsonElement>();
        var marker = markers.EnumerateArray().Single(m => m.GetProperty("number").GetString() == a.Number);
        Assert.Equal(Math.Round(marker.GetProperty("lat").GetDouble(), 3), marker.GetProperty("lat").GetDouble());
        Assert.Equal(Math.Round(marker.GetProperty("lon").GetDouble(), 3), marker.GetProperty("lon").GetDouble());
        Assert.DoesNotContain("Петров", markers.GetRawText());

        // The public search copy is written from the masked text: nothing personal is found, or stored.
        Assert.Empty(await app.SearchAsync(SearchKind.Appeal, "Петровой"));
        Assert.Empty(await app.SearchAsync(SearchKind.Appeal, "Чернова"));
        Assert.Empty(await app.MatchingAsync(SearchKind.Appeal, "Петрова", publicOnly: true));
        Assert.Equal([a.Id], (await app.SearchAsync(SearchKind.Appeal, "киоск торгует ночью")).Select(h => h.EntityId));
        var entry = await app.WithDbAsync(db => db.SearchEntries.AsNoTracking().SingleAsync(e => e.EntityId == a.Id && e.IsPublic));
        foreach (var leak in Leaks) Assert.DoesNotContain(leak, entry.Body);
        // Staff still find it by the applicant.
        Assert.Equal([a.Id], await app.MatchingAsync(SearchKind.Appeal, "Петровой", publicOnly: false));

        // The moderator sees what the portal hides, on the moderation page and on the card.
        using var moderator = await PortalClient.SignInAsync(app, Persona.CentreModerator);
        var review = await moderator.PageAsync($"/office/moderation/{a.Id}");
        Assert.Contains("Что увидят на портале", review);
        // Razor encodes «+» as &#x2B;.
        Assert.Matches(@"<mark class=""masked"" data-kind=""Phone"" title=""[^""]*"">(\+|&#x2B;)7 \(912\) 345-67-89", review);
        Assert.Contains("data-kind=\"Name\"", review);
        Assert.Contains("Адрес заявителя публикуется до улицы", review);
        var card = await moderator.PageAsync($"/office/appeals/{a.Id}");
        Assert.Contains("Как обращение видно на портале", card);
        Assert.Contains("<mark class=\"masked\" data-kind=\"Email\"", card);

        // A fragment masked in error is released on the moderation page; the public then sees it, nothing else changes.
        var version = await app.WithDbAsync(db => db.Appeals.Where(x => x.Id == a.Id).Select(x => x.Version).SingleAsync());
        var posted = await moderator.PostAsync($"/office/moderation/{a.Id}?handler=unmask",
            new() { ["Version"] = version.ToString(CultureInfo.InvariantCulture), ["Release"] = "Чернова А.В." });
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        page = await anonymous.HtmlAsync($"/appeals/{a.Number}");
        Assert.Contains("ИП Чернова А.В.", page);
        Assert.DoesNotContain("345-67-89", page);
        Assert.DoesNotContain("Петровой", page);
        var last = await app.WithDbAsync(db => db.AppealEvents.AsNoTracking().Where(e => e.AppealId == a.Id).OrderBy(e => e.Sequence).LastAsync());
        Assert.Equal(EventKind.PublicTextEdited, last.Kind);
        Assert.DoesNotContain("Чернова", (last.Note ?? "") + last.Data);

        // Only the moderator releases masks: the executor who sees the appeal is refused, and nothing changes.
        await app.ClientAs(Persona.MunAExecutor).PostJsonAsync($"/api/v1/appeals/{a.Id}/public-unmasked",
            new { version = version + 1, fragments = new[] { "+7 (912) 345-67-89" } }).Expect(HttpStatusCode.Forbidden);
        Assert.DoesNotContain("345-67-89", await anonymous.HtmlAsync($"/appeals/{a.Number}"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_sole_trader_is_shown_as_an_entrepreneur_however_the_name_is_spelt(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var body = Published(app.Region, 0, "Прошу отремонтировать дорогу к моему магазину, Вахрушев Пётр Ильич, тел. 89123456789.")
            .With("applicant", new Dictionary<string, object?>
            {
                ["kind"] = "organisation", ["organisationName"] = "индивидуальный предприниматель Вахрушев Пётр Ильич", ["inn"] = "667104974679",
                ["representativeName"] = "Вахрушев Пётр Ильич", ["email"] = "vahrushev@example.ru",
            });
        var a = await app.AppealInAsync(AppealStatus.Registered, body);
        foreach (var url in new[] { $"/appeals/{a.Number}", "/feed" })
        {
            var html = await app.Anonymous().HtmlAsync(url);
            Assert.Contains("Предприниматель", html);
            Assert.DoesNotContain("Вахрушев", html);
            Assert.DoesNotContain("89123456789", html);
        }
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_demo_region_publishes_no_applicants_own_building_and_no_applicants_surname(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, demoSeed: true);
        var published = await app.WithDbAsync(db => db.Appeals.AsNoTracking().Where(a => a.IsPublic && a.PublicationConsent && a.RegisteredAtUtc != null)
            .Select(a => new { a.Number, a.Address, a.Applicant.PostalAddress, a.Applicant.LastName, a.Status }).ToListAsync());
        var own = published.Where(a => Features.Portal.Public.PublicMasking.IsOwnAddress(a.Address, a.PostalAddress)).ToList();
        Assert.True(own.Count >= 4, $"Only {own.Count} demo appeals are at the applicant's own address.");
        var anonymous = app.Anonymous();
        foreach (var a in published.Where(a => Features.Portal.Public.PublicAppeals.Shown.Contains(a.Status)))
        {
            var html = await anonymous.HtmlAsync($"/appeals/{a.Number}");
            if (own.Contains(a)) Assert.DoesNotContain($"<dd>{a.Address}</dd>", html);
            if (a.LastName is { Length: > 2 } last) Assert.DoesNotContain(last, html);
        }
    }
}
