using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Analytics;
using Otklik.Features.Appeals;
using Otklik.Features.Notifications;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Notifications;
using Otklik.Tests.Workspace;

namespace Otklik.Tests.Analytics;

/// <summary>
/// A root cause shown on the portal as a known problem: new appeals on its topic and territory are linked by the watch,
/// their applicants get a letter when it is resolved; its measures are watched like roadmap steps.
/// </summary>
public sealed class RootCauseCardTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_public_card_links_new_appeals_and_tells_their_applicants_when_resolved(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        await SpikeScenario.PlantSpikeInBAsync(app);
        var analyst = await Office.SignInAsync(app, Persona.CentreAnalyst);
        var form = await analyst.HtmlAsync("/office/analytics/causes");
        var made = await PostAsync(analyst, form, "/office/analytics/causes", new()
        {
            ["title"] = "Ямы в городе Б после паводка", ["series"] = $"topic:{r.PotholeTopic}|territory:{r.TerritoryB}", ["window"] = "Day",
            ["day"] = "2026-11-23", ["organisationId"] = r.Region.ToString(),
        });
        var page = made.Headers.Location!.OriginalString;
        var id = Guid.Parse(page.Split('/').Last());
        var card = await analyst.HtmlAsync(page);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(analyst, card, page + "?handler=measure", new()
        {
            ["measureText"] = "Ямочный ремонт улиц города Б", ["ownerId"] = r.MunB.ToString(), ["dueOn"] = "2026-11-24",
        })).StatusCode);

        // Before it is public, a new appeal in B on potholes is not linked; nor is an appeal in A.
        Assert.Equal((0, 1), await app.WithDbAsync(db => RootCauseWatch.RunOnceAsync(db, app.Clock.GetUtcNow().UtcDateTime, default))); // the measure is due tomorrow: at risk
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(analyst, await analyst.HtmlAsync(page), page + "?handler=publish", new() { ["publish"] = "true" })).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var email = MailBox.NewAddress("follower");
        var pothole = Samples.Pothole(r, TestRegion.InsideB, "Новая яма на улице Мира у дома 7, опасно для машин.");
        pothole["applicant"] = new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "Сидоров", ["firstName"] = "Пётр", ["email"] = email };
        var follower = await app.SubmitAsync(pothole);
        var elsewhere = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideA, "Яма на улице Ленина у дома 3, глубокая и широкая."));
        Assert.Equal((1, 0), await app.WithDbAsync(db => RootCauseWatch.RunOnceAsync(db, app.Clock.GetUtcNow().UtcDateTime, default)));
        Assert.Equal((0, 0), await app.WithDbAsync(db => RootCauseWatch.RunOnceAsync(db, app.Clock.GetUtcNow().UtcDateTime, default)));
        var links = await app.WithDbAsync(db => db.Set<RootCauseAppeal>().Where(x => x.RootCauseId == id).ToListAsync());
        Assert.Equal(8, links.Count);
        Assert.True(Assert.Single(links, x => x.AppealId == follower.Id).Automatic);
        Assert.DoesNotContain(links, x => x.AppealId == elsewhere.Id);

        // The portal card says who is fixing it, to anyone.
        var web = app.Anonymous();
        var list = await web.HtmlAsync("/problems");
        Assert.Contains("Ямы в городе Б после паводка", list);
        var publicCard = await web.HtmlAsync($"/problems/{id}");
        Assert.Contains("Известная проблема</strong>, её устраняет: ", publicCard);
        Assert.Contains("Ямочный ремонт улиц города Б", publicCard);
        Assert.Equal(HttpStatusCode.NotFound, (await web.GetAsync($"/problems/{Guid.NewGuid()}")).StatusCode);

        // Resolved: the follower gets a letter with the card's address.
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(analyst, await analyst.HtmlAsync(page), page + "?handler=status", new() { ["status"] = "Resolved" })).StatusCode);
        await app.DeliverAsync();
        var letter = await app.Mail.WaitForAsync(email, m => m.Subject?.StartsWith("Проблема по обращению", StringComparison.Ordinal) == true);
        Assert.Equal($"Проблема по обращению № {follower.Number} устранена", letter.Subject);
        Assert.Contains("«Ямы в городе Б после паводка»", letter.TextOf());
        Assert.Contains($"/problems/{id}", letter.TextOf());
        Assert.Contains("Проблема устранена", await web.HtmlAsync($"/problems/{id}"));
        // A resolved card draws no more appeals.
        await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideB, "Ещё одна яма на улице Мира у дома 9, колесо пробито."));
        Assert.Equal((0, 0), await app.WithDbAsync(db => RootCauseWatch.RunOnceAsync(db, app.Clock.GetUtcNow().UtcDateTime, default)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_measure_is_watched_like_a_roadmap_step_and_its_owner_finds_it_in_the_queue(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var analyst = await Office.SignInAsync(app, Persona.CentreAnalyst);
        var made = await PostAsync(analyst, await analyst.HtmlAsync("/office/analytics/causes"), "/office/analytics/causes",
            new() { ["title"] = "Нет освещения в парке", ["organisationId"] = r.Region.ToString() });
        var page = made.Headers.Location!.OriginalString;
        await PostAsync(analyst, await analyst.HtmlAsync(page), page + "?handler=measure", new()
        {
            ["measureText"] = "Заменить фонари в парке", ["ownerId"] = r.MunA.ToString(), ["dueOn"] = "2026-11-25",
        });
        // A record without a topic and a territory cannot go on the portal: refused by its field, nothing changed.
        var refused = await PostAsync(analyst, await analyst.HtmlAsync(page), page + "?handler=publish", new() { ["publish"] = "true" });
        Assert.Contains("id=\"publish-error\" class=\"field-error\">На портале показывается только первопричина с темой и территорией.", await refused.Content.ReadAsStringAsync());
        Assert.False(await app.WithDbAsync(db => db.RootCauses.Select(c => c.IsPublic).SingleAsync()));

        async Task<int> WatchAsync() => (await app.WithDbAsync(db => RootCauseWatch.RunOnceAsync(db, app.Clock.GetUtcNow().UtcDateTime, default))).Item2;
        Assert.Equal(0, await WatchAsync());           // due 25.11, today 23.11: nothing yet
        app.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await WatchAsync());           // 24.11: due tomorrow — at risk
        Assert.Equal(0, await WatchAsync());
        app.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await WatchAsync());           // 25.11: the due day itself, told already
        app.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await WatchAsync());           // 26.11: overdue
        Assert.Equal(0, await WatchAsync());
        await app.DeliverAsync();
        var notices = (await app.NoticePageAsync(Persona.MunAController)).Items.Where(i => i.Kind == NoticeKind.Deadline).Select(i => i.Title).ToList();
        Assert.Contains("Срок меры по первопричине «Нет освещения в парке» истекает: 25.11.2026", notices);
        Assert.Contains("Срок меры по первопричине «Нет освещения в парке» пропущен: 25.11.2026", notices);
        Assert.DoesNotContain((await app.NoticePageAsync(Persona.MunBController)).Items, i => i.Title.Contains("Нет освещения", StringComparison.Ordinal));

        // The owner's queue shows it late; another organisation's does not show it.
        var headA = await Office.SignInAsync(app, Persona.MunAController);
        var queue = await headA.HtmlAsync("/office/analytics/measures");
        Assert.Matches("Заменить фонари в парке</th>.*?<strong class=\"late\">просрочена</strong>", Regex.Replace(queue, "\\s+", " "));
        Assert.DoesNotContain("Заменить фонари", await (await Office.SignInAsync(app, Persona.MunBController)).HtmlAsync("/office/analytics/measures"));
    }

    static async Task<HttpResponseMessage> PostAsync(HttpClient client, string html, string url, Dictionary<string, string> fields)
    {
        var token = Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEqual("", token);
        return await client.PostAsync(url, new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", token)]));
    }
}
