using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Analytics;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Notifications;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Notifications;
using Otklik.Tests.Workspace;

namespace Otklik.Tests.Analytics;

/// <summary>Root causes over the database: made from a spike with its appeals, a measure told to its owner, scope kept; a spike dismissed.</summary>
public sealed class RootCauseTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_root_cause_from_a_spike_links_its_appeals_and_a_measure_reaches_its_owner_only(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        await SpikeScenario.PlantSpikeInBAsync(app);

        var analyst = await Office.SignInAsync(app, Persona.CentreAnalyst);
        var spikes = await analyst.HtmlAsync("/office/analytics/spikes");
        var create = WebUtility.HtmlDecode(Regex.Match(spikes,
            "Территория «Город Б»</th>\\s*<td>день</td>.*?<a href=\"([^\"]+)\">Создать первопричину</a>", RegexOptions.Singleline).Groups[1].Value);
        Assert.StartsWith("/office/analytics/causes?", create);
        var form = await analyst.HtmlAsync(create);
        Assert.Contains("value=\"Территория «Город Б»\"", form);
        var made = await PostAsync(analyst, form, "/office/analytics/causes", new()
        {
            ["title"] = "Разрушение дорог после паводка в городе Б", ["description"] = "Ямы по всему городу",
            ["series"] = $"territory:{r.TerritoryB}", ["window"] = "Day", ["day"] = "2026-11-23", ["organisationId"] = r.Region.ToString(),
        });
        Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);
        var page = made.Headers.Location!.OriginalString;
        var id = Guid.Parse(page.Split('/').Last());

        // The spike's seven appeals are linked, and the confirmed spike is no longer offered.
        var linked = await app.WithDbAsync(db => db.Set<RootCauseAppeal>().Where(x => x.RootCauseId == id && x.FromSpike).CountAsync());
        Assert.Equal(7, linked);
        var card = await analyst.HtmlAsync(page);
        Assert.Equal(7, Office.Numbers(card).Count);
        Assert.DoesNotMatch("Территория «Город Б»</th>\\s*<td>день</td>", await analyst.HtmlAsync("/office/analytics/spikes"));

        // A measure for the city A administration: its head finds the notice; the head of city B does not.
        var measured = await PostAsync(analyst, card, page + "?handler=measure", new()
        {
            ["measureText"] = "Ямочный ремонт улиц центра", ["ownerId"] = r.MunA.ToString(), ["dueOn"] = "2026-12-01",
        });
        Assert.Equal(HttpStatusCode.Redirect, measured.StatusCode);
        await app.DeliverAsync();
        var notice = Assert.Single((await app.NoticePageAsync(Persona.MunAController)).Items, i => i.Kind == NoticeKind.RootCauseMeasure);
        Assert.Contains("Разрушение дорог после паводка в городе Б", notice.Title);
        Assert.Contains("01.12.2026", notice.Title);
        Assert.Contains($"/office/analytics/causes/{id}", notice.Text);
        Assert.DoesNotContain((await app.NoticePageAsync(Persona.MunBController)).Items, i => i.Kind == NoticeKind.RootCauseMeasure);

        // City A's head sees the record (its measure is theirs); city B's head, outside its scope, gets 404 and no row in the list.
        var headA = await Office.SignInAsync(app, Persona.MunAController);
        Assert.Contains("Ямочный ремонт улиц центра", await headA.HtmlAsync(page));
        var headB = await Office.SignInAsync(app, Persona.MunBController);
        Assert.Equal(HttpStatusCode.NotFound, (await headB.GetAsync(page)).StatusCode);
        Assert.DoesNotContain("Разрушение дорог", await headB.HtmlAsync("/office/analytics/causes"));
        // Nor may city A's head change a record of the region (they see it, they do not manage it).
        var refused = await PostAsync(headA, await headA.HtmlAsync(page), page + "?handler=status", new() { ["status"] = "Resolved" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(RootCauseStatus.InProgress, await app.WithDbAsync(db => db.RootCauses.Where(c => c.Id == id).Select(c => c.Status).SingleAsync()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_dismissed_spike_is_kept_and_not_shown_again_and_a_measure_in_the_past_is_refused(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        await SpikeScenario.PlantSpikeInBAsync(app);
        var analyst = await Office.SignInAsync(app, Persona.CentreAnalyst);
        var spikes = await analyst.HtmlAsync("/office/analytics/spikes");
        Assert.Matches("«Ямы на дорогах» × «Город Б»</th>\\s*<td>день</td>", spikes);
        var dismissed = await PostAsync(analyst, spikes, "/office/analytics/spikes?handler=dismiss", new()
        {
            ["series"] = $"topic:{r.PotholeTopic}|territory:{r.TerritoryB}", ["window"] = "Day", ["day"] = "2026-11-23",
        });
        Assert.Equal(HttpStatusCode.Redirect, dismissed.StatusCode);
        var after = await analyst.HtmlAsync("/office/analytics/spikes");
        Assert.DoesNotMatch("«Ямы на дорогах» × «Город Б»</th>\\s*<td>день</td>", after);
        Assert.Matches("Территория «Город Б»</th>\\s*<td>день</td>", after);
        Assert.Equal(SpikeMark.Dismissed, await app.WithDbAsync(db => db.SpikeDecisions.Select(d => d.Mark).SingleAsync()));

        // A measure dated yesterday is refused by its field and nothing is written.
        var form = await analyst.HtmlAsync("/office/analytics/causes");
        var made = await PostAsync(analyst, form, "/office/analytics/causes", new() { ["title"] = "Освещение", ["organisationId"] = r.Region.ToString() });
        var page = made.Headers.Location!.OriginalString;
        var card = await analyst.HtmlAsync(page);
        var refused = await PostAsync(analyst, card, page + "?handler=measure", new()
        {
            ["measureText"] = "Заменить фонари", ["ownerId"] = r.MunB.ToString(), ["dueOn"] = "2026-11-22",
        });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("id=\"dueOn-error\" class=\"field-error\">Срок не может быть в прошлом.", await refused.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.RootCauseMeasures.CountAsync()));
    }

    static async Task<HttpResponseMessage> PostAsync(HttpClient client, string html, string url, Dictionary<string, string> fields)
    {
        var token = Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEqual("", token);
        return await client.PostAsync(url, new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", token)]));
    }
}

/// <summary>The spike watch: a new spike is announced to the centre's analysts once, as an office notice.</summary>
public sealed class SpikeWatchTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_new_spike_reaches_the_analysts_office_once(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var now = TestApp.Start.UtcDateTime;
        // A quiet region: nothing to announce.
        Assert.Equal(0, await app.WithDbAsync(db => SpikeWatch.RunOnceAsync(db, now, default)));
        await SpikeScenario.PlantSpikeInBAsync(app);

        // Territory B, the pothole topic and their pair spike: one notice per series, each series once.
        var first = await app.WithDbAsync(db => SpikeWatch.RunOnceAsync(db, now, default));
        Assert.Equal(3, first);
        Assert.Equal(0, await app.WithDbAsync(db => SpikeWatch.RunOnceAsync(db, now.AddMinutes(15), default)));
        await app.DeliverAsync();

        var notices = (await app.NoticePageAsync(Persona.CentreAnalyst)).Items.Where(i => i.Kind == NoticeKind.Spike).ToList();
        Assert.Equal(3, notices.Count);
        var inB = Assert.Single(notices, n => n.Title.Contains("Территория «Город Б»", StringComparison.Ordinal));
        Assert.Contains("7 обращ.", inB.Title);
        Assert.Contains("/office/analytics/spikes", inB.Text);
        // An executor is not told.
        Assert.DoesNotContain((await app.NoticePageAsync(Persona.MunBController)).Items, i => i.Kind == NoticeKind.Spike);
        // Announcing does not hide the spike from the page (only a confirmation or a dismissal does).
        var analyst = await Office.SignInAsync(app, Persona.CentreAnalyst);
        Assert.Matches("Территория «Город Б»</th>\\s*<td>день</td>", await analyst.HtmlAsync("/office/analytics/spikes"));
    }
}
