using System.Net;
using System.Text.Json;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;
using static Otklik.Tests.Portal.PublicSupport;

namespace Otklik.Tests.Portal;

/// <summary>
/// Finding things on the portal (issue 17, item 5) on both engines: /faq and /organisations from the header and the home
/// page; an organisation's public page with what it does, its address, hours, contacts and contact form; the feed
/// filtered by territory and searched by text (word forms, only what the portal shows), with photo thumbnails.
/// </summary>
public sealed class FindThingsTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_faq_and_the_organisations_are_linked_from_the_header_and_the_home_page(Engine engine)
    {
        var app = await pool.For(engine);
        var home = await app.Anonymous().HtmlAsync("/");
        var nav = home[home.IndexOf("<nav aria-label=\"Разделы портала\"", StringComparison.Ordinal)..];
        nav = nav[..nav.IndexOf("</nav>", StringComparison.Ordinal)];
        Assert.Contains("href=\"/faq\"", nav);
        Assert.Contains("href=\"/organisations\"", nav);
        var main = home[home.IndexOf("<main", StringComparison.Ordinal)..];
        Assert.Contains("<a href=\"/faq\">Вопросы и ответы</a>", main);
        Assert.Contains("<a href=\"/organisations\">Куда обратиться</a>", main);
        await app.Anonymous().HtmlAsync("/faq");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_organisation_page_says_what_it_does_where_when_and_how_to_write(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var admin = app.ClientAs(Persona.RegionAdmin);
        await admin.PutJsonAsync($"/api/v1/organisations/{r.MinInvest}/profile", new
        {
            about = "Субсидии и гранты для малого бизнеса, сопровождение инвестиционных проектов.",
            address = "620031, г. А, пл. Октябрьская, 1, кабинет 410", phone = "+7 (343) 312-00-41", website = "https://mininvest.example.ru",
        }).Expect(HttpStatusCode.OK);
        // A bad site is refused, naming the field, and changes nothing.
        var bad = await admin.PutJsonAsync($"/api/v1/organisations/{r.MinInvest}/profile", new { about = "Другое", website = "javascript:alert(1)" })
            .Expect(HttpStatusCode.BadRequest);
        Assert.True((await bad.ProblemAsync()).GetProperty("errors").TryGetProperty("website", out _));
        await app.ClientAs(Persona.MunBAdmin).PutJsonAsync($"/api/v1/organisations/{r.MinInvest}/profile", new { about = "Чужое" })
            .Expect(HttpStatusCode.Forbidden);

        var list = await app.Anonymous().HtmlAsync("/organisations");
        Assert.Contains($"href=\"/organisations/{r.MinInvest}\"", list);
        Assert.Contains($"href=\"/organisations/{r.Fund}\"", list);
        Assert.DoesNotContain($"href=\"/organisations/{r.Fns}\"", list); // outside the platform
        var page = await app.Anonymous().HtmlAsync($"/organisations/{r.MinInvest}");
        Assert.Contains("Субсидии и гранты для малого бизнеса, сопровождение инвестиционных проектов.", page);
        Assert.Contains("620031, г. А, пл. Октябрьская, 1, кабинет 410", page);
        // The page's encoder writes «+» as &#x2B; inside attributes; a browser reads both the same.
        Assert.Matches("href=\"tel:(\\+|&#x2B;)73433120041\"", page);
        Assert.Contains("href=\"https://mininvest.example.ru\"", page);
        Assert.Contains("пн–пт 09:00–18:00, перерыв 13:00–14:00", page);
        // It answers business questions of its own (the subsidy): its contact form is there, and so is the topic.
        Assert.Contains($"href=\"/contact/{r.MinInvest}\"", page);
        Assert.Contains("Субсидия «Модернизация»", page);
        await app.Anonymous().HtmlAsync($"/contact/{r.MinInvest}");
        // A body outside the platform or an unknown id has no page.
        await app.Anonymous().HtmlAsync($"/organisations/{r.Fns}", HttpStatusCode.NotFound);
        await app.Anonymous().HtmlAsync($"/organisations/{Guid.NewGuid()}", HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_feed_is_filtered_by_territory_searched_by_text_and_shows_thumbnails(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var tag = Guid.NewGuid().ToString("N")[..6];
        var photo = await UploadAsync(app, Persona.Applicant, Png(8, 6), "светофор.png");
        var inA = await app.AppealInAsync(AppealStatus.InWork,
            Samples.Pothole(r, (56.75, 60.1), $"Не работают светофоры на перекрёстке, метка {tag}а. Мария Иванова просит починить.")
                .With("attachmentIds", new[] { photo.Id }));
        var inB = await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(r, (56.75, 61.1), $"Яма во дворе школы, метка {tag}б."));

        var byTerritory = Numbers(await app.Anonymous().HtmlAsync($"/feed?territory={r.TerritoryB}"));
        Assert.Contains(inB.Number, byTerritory);
        Assert.DoesNotContain(inA.Number, byTerritory);

        // Another word form («светофор» for «светофоры») finds it; the applicant's name is masked on the portal, so it finds nothing.
        var found = await app.Anonymous().HtmlAsync($"/feed?q={Uri.EscapeDataString("светофор")}");
        Assert.Equal([inA.Number], Numbers(found));
        Assert.Empty(Numbers(await app.Anonymous().HtmlAsync($"/feed?q={Uri.EscapeDataString("Иванова")}")));
        Assert.Empty(Numbers(await app.Anonymous().HtmlAsync($"/feed?q={Uri.EscapeDataString("светофор")}&territory={r.TerritoryB}")));

        Assert.Contains($"src=\"/appeals/{inA.Number}/photos/{photo.Id}\"", found);
        await app.Anonymous().GetAsync($"/appeals/{inA.Number}/photos/{photo.Id}").Expect(HttpStatusCode.OK);
    }
}
