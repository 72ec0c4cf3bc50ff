using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Analytics;
using Otklik.Features.Audit;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Workspace;

namespace Otklik.Tests.Analytics;

/// <summary>
/// The centre's working place, the rest of issue 20 (ADR 0049): the dashboard as a PDF with its charts, the spike map,
/// root-cause suggestions by similar text and place (accepted and turned down), and areas drawn by the analyst and the
/// organisations' heads for informing and polls, scoped and audited.
/// </summary>
public sealed class CentreToolsTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_dashboard_PDF_draws_its_charts_from_the_same_figures_with_links_to_the_appeals(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        await DashboardScenario.FillAsync(app);
        var office = await Office.SignInAsync(app, Persona.CentreAnalyst);
        Assert.Contains("/office/analytics/export.pdf?", await office.HtmlAsync("/office/analytics?from=2026-11-23&to=2026-12-07"));
        var response = await office.GetAsync("/office/analytics/export.pdf?from=2026-11-23&to=2026-12-07").Expect(HttpStatusCode.OK);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
        var text = string.Join("\n", pdf.GetPages().Select(p => p.Text));
        var words = string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
        Assert.Contains("Аналитика обращений", text);
        Assert.Contains("23.11.2026 — 07.12.2026", words);
        foreach (var heading in new[] { "Показатели", "Поступление", "По каналам", "По территориям", "По исполнителям", "Оценки заявителей" })
            Assert.Contains(heading, words);
        // The same figures as the page and the XLSX (DashboardFiguresTests): Город А received 4, Город Б 1.
        // The label and its figures are drawn in two fonts on one row: the extractor may order them apart, so the row is
        // found by position (the words level with the label, to its right).
        Assert.Matches("^4 · открыто \\d+ · просрочено \\d+", RowAfter(pdf, "Город А"));
        Assert.Matches("^1 · открыто \\d+ · просрочено \\d+", RowAfter(pdf, "Город Б"));
        // The charts are drawn (filled bars), and each bar links to the appeals behind it, from the public address.
        var page = pdf.GetPage(1);
        Assert.True(page.Paths.Count(p => p.IsFilled) >= 6, "the bars of the charts");
        var links = pdf.GetPages().SelectMany(p => p.GetAnnotations()).Select(a => a.Action is UglyToad.PdfPig.Actions.UriAction u ? u.Uri : null)
            .OfType<string>().ToList();
        Assert.Contains(links, l => l.Contains("/office/appeals?", StringComparison.Ordinal) && l.Contains($"territoryId={app.Region.TerritoryA}", StringComparison.Ordinal));
        Assert.All(links, l => Assert.StartsWith("http", l));
        // A dashboard it cannot be drawn for is refused like the page: an applicant has none.
        var applicant = await Office.SignInAsync(app, Persona.Applicant);
        Assert.Equal(HttpStatusCode.Forbidden, (await applicant.GetAsync("/office/analytics/export.pdf")).StatusCode);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_spike_map_tints_the_territory_with_a_spike_and_each_spike_opens_its_appeals(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        await SpikeScenario.PlantSpikeInBAsync(app);
        var analyst = await Office.SignInAsync(app, Persona.CentreAnalyst);
        var html = await analyst.HtmlAsync("/office/analytics/spikes");
        Assert.Contains("data-spike-map", html);
        var json = WebUtility.HtmlDecode(Regex.Match(html, "<script type=\"application/json\" id=\"spike-map-data\">(.*?)</script>", RegexOptions.Singleline).Groups[1].Value);
        var territories = JsonDocument.Parse(json).RootElement.GetProperty("territories").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        var b = territories["Город Б"];
        Assert.True(b.GetProperty("level").GetDouble() >= 1);
        var spikes = b.GetProperty("spikes").EnumerateArray().ToList();
        Assert.Contains(spikes, s => s.GetProperty("name").GetString() == "Территория «Город Б»" && s.GetProperty("count").GetInt32() == 7);
        // The steady town is drawn, untinted.
        Assert.Equal(0, territories["Город А"].GetProperty("level").GetDouble());
        Assert.Equal(JsonValueKind.Null, territories["Город А"].GetProperty("spikes").ValueKind);
        // The table beside the map, and the map's link, open the seven appeals.
        var link = spikes.First(s => s.GetProperty("name").GetString() == "Территория «Город Б»").GetProperty("link").GetString()!;
        Assert.Contains(WebUtility.HtmlEncode(link), html);
        Assert.Matches("<caption>Всплески по территориям</caption>.*Город Б", Regex.Replace(html, "\\s+", " "));
        Assert.Equal(7, Office.Numbers(await analyst.HtmlAsync(link)).Count);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_root_cause_is_offered_appeals_of_similar_text_nearby_and_a_spike_is_offered_the_known_cause(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var first = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideB, "Глубокая яма у дома 3 по улице Мира."));
        var near = await app.SubmitAsync(Samples.Pothole(r, (56.851, 61.251), "Выбоина у дома 5 по улице Мира, колёса пробиты."), Persona.OtherApplicant);
        var other = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideB, "Не горит фонарь в парке, темно вечером."), Persona.OtherApplicant);
        var third = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideB, "Яма на улице Мира у дома 9."), Persona.OtherApplicant);
        var analystId = r.IdOf(Persona.CentreAnalyst);
        var id = await app.WithDbAsync(async db =>
        {
            var cause = RootCause.Create("Ямы на улице Мира", null, r.PotholeTopic, r.TerritoryB, r.Region, null, analystId, app.Clock.GetUtcNow().UtcDateTime);
            cause.Link(first.Id, false, app.Clock.GetUtcNow().UtcDateTime);
            db.RootCauses.Add(cause);
            await db.SaveChangesAsync();
            return cause.Id;
        });
        var page = $"/office/analytics/causes/{id}";
        var analyst = await Office.SignInAsync(app, Persona.CentreAnalyst);
        var html = await analyst.HtmlAsync(page);
        var offered = Regex.Matches(html, "<tr data-suggested=\"([^\"]+)\">").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, offered.Count);
        Assert.Contains(near.Number, offered);
        Assert.Contains(third.Number, offered);
        Assert.DoesNotContain(other.Number, offered);
        // Why it is offered: the share of similar words («выбоина» is «яма» by the synonym list), the distance, the place and topic.
        var row = Regex.Match(html, $"<tr data-suggested=\"{near.Number}\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Matches("похожий текст \\d+ % · 1\\d\\d м от связанного обращения · та же территория · та же тема", row);

        // Accepted: linked «по подсказке»; turned down: not offered again; neither offered any more.
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(analyst, html, page + "?handler=accept", new() { ["appealId"] = near.Id.ToString() })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(analyst, html, page + "?handler=dismiss", new() { ["appealId"] = third.Id.ToString() })).StatusCode);
        html = await analyst.HtmlAsync(page);
        Assert.Matches($"data-number=\"{near.Number}\">.*?по подсказке", Regex.Replace(html, "\\s+", " "));
        Assert.DoesNotContain("data-suggested=", html);
        Assert.True(await app.WithDbAsync(db => db.Set<RootCauseAppeal>().AnyAsync(x => x.RootCauseId == id && x.AppealId == near.Id && x.Suggested)));
        Assert.False(await app.WithDbAsync(db => db.Set<RootCauseAppeal>().AnyAsync(x => x.RootCauseId == id && x.AppealId == third.Id)));
        // An appeal the person does not see cannot be linked through the suggestion form.
        var headB = await Office.SignInAsync(app, Persona.MunAController);
        Assert.Equal(HttpStatusCode.NotFound, (await headB.GetAsync(page)).StatusCode);

        // A spike in the same town on the same topic: the spikes page offers this cause; «Связать» links the spike's appeals.
        await SpikeScenario.PlantSpikeInBAsync(app);
        var spikes = await analyst.HtmlAsync("/office/analytics/spikes");
        var series = $"topic:{r.PotholeTopic}|territory:{r.TerritoryB}";
        var suggestion = Regex.Match(WebUtility.HtmlDecode(spikes), $"data-suggestions=\"{Regex.Escape(series)}\\|Day\">(.*?)</ul>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("Похоже на <a href=\"/office/analytics/causes/" + id + "\">«Ямы на улице Мира»</a>", suggestion);
        var attached = await PostAsync(analyst, spikes, "/office/analytics/spikes?handler=attach",
            new() { ["series"] = series, ["window"] = "Day", ["day"] = "2026-11-23", ["causeId"] = id.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, attached.StatusCode);
        Assert.Equal(page, attached.Headers.Location?.OriginalString);
        Assert.True(await app.WithDbAsync(db => db.Set<RootCauseAppeal>().CountAsync(x => x.RootCauseId == id && x.FromSpike)) >= 7);
        Assert.DoesNotContain($"data-suggestions=\"{series}|Day\"", WebUtility.HtmlDecode(await analyst.HtmlAsync("/office/analytics/spikes")));
        // The territory's own spike, turned down for this cause, keeps its row but no longer offers it.
        spikes = await analyst.HtmlAsync("/office/analytics/spikes");
        var decoded = WebUtility.HtmlDecode(spikes);
        var territorySeries = $"territory:{r.TerritoryB}";
        if (decoded.Contains($"data-suggestions=\"{territorySeries}|Day\"", StringComparison.Ordinal))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(analyst, spikes, "/office/analytics/spikes?handler=notCause",
                new() { ["series"] = territorySeries, ["window"] = "Day", ["day"] = "2026-11-23", ["causeId"] = id.ToString() })).StatusCode);
            spikes = WebUtility.HtmlDecode(await analyst.HtmlAsync("/office/analytics/spikes"));
            Assert.DoesNotContain($"data-suggestions=\"{territorySeries}|Day\"", spikes);
            Assert.Contains("Территория «Город Б»", spikes);
        }
    }

    // A square inside Город Б (lon 61.0–61.5, lat 56.7–57.0); one across both towns.
    const string InB = "56.80,61.20;56.80,61.30;56.90,61.30;56.90,61.20";
    const string Across = "56.80,60.40;56.80,61.10;56.90,61.10;56.90,60.40";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_analyst_and_a_towns_head_draw_areas_for_informing_scoped_and_audited_and_return_with_it_chosen(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        using var analyst = await FormSession.SignInAsync(app, Persona.CentreAnalyst);
        // The informing form's link leads to the drawing page, not to the administrator's.
        var informing = await analyst.GetAsync("/office/analytics/informing");
        Assert.Contains("href=\"/office/analytics/areas?back=informing\"", informing);
        Assert.DoesNotContain("/office/admin/territories", informing);
        await analyst.GetAsync("/office/analytics/areas?back=informing");
        var saved = await analyst.PostAsync("/office/analytics/areas", [new("back", "informing"), new("DrawnName", "Между городами"), new("DrawnPoints", Across)]);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var area = await app.WithDbAsync(db => db.Territories.SingleAsync(t => t.Name == "Между городами"));
        Assert.Equal(TerritoryKind.Drawn, area.Kind);
        Assert.Null(area.OrganisationId); // never routes
        Assert.Equal($"/office/analytics/informing?territoryId={area.Id}", saved.Headers.Location?.OriginalString);
        Assert.Contains($"<option value=\"{area.Id}\" selected=\"selected\">Между городами</option>", await analyst.GetAsync(saved.Headers.Location!.OriginalString));
        // Audited: who drew which area.
        await app.Services.GetRequiredService<AuditTrail>().FlushAsync();
        var line = await app.WithDbAsync(db => db.AuditRecords.SingleAsync(a => a.Kind == AuditKind.AreaDrawn));
        Assert.Equal(r.IdOf(Persona.CentreAnalyst), line.ActorId);
        Assert.Contains("«Между городами»", line.Detail);

        // Town B's head draws inside town B, and is refused across both towns, next to the field, in Russian; nothing saved.
        using var head = await FormSession.SignInAsync(app, Persona.MunBController);
        var form = await head.GetAsync("/office/analytics/areas?back=informing");
        Assert.Contains("Рисовать можно внутри территорий ваших организаций", form);
        var refused = await head.PostAsync("/office/analytics/areas", [new("back", "informing"), new("DrawnName", "Чужой квартал"), new("DrawnPoints", Across)]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("<span id=\"drawnpoints-error\" class=\"field-error\" role=\"alert\">Территория выходит за пределы территорий ваших организаций.</span>",
            await refused.Content.ReadAsStringAsync());
        Assert.False(await app.WithDbAsync(db => db.Territories.AnyAsync(t => t.Name == "Чужой квартал")));
        var own = await head.PostAsync("/office/analytics/areas", [new("back", "polls"), new("DrawnName", "Квартал у улицы Мира"), new("DrawnPoints", InB)]);
        Assert.Equal(HttpStatusCode.Redirect, own.StatusCode);
        Assert.StartsWith("/office/polls?territoryId=", own.Headers.Location?.OriginalString);

        // Neither an executor nor an applicant draws.
        using var executor = await FormSession.SignInAsync(app, Persona.MunBExecutor);
        Assert.Equal(HttpStatusCode.Forbidden, (await executor.GetRawAsync("/office/analytics/areas")).StatusCode);
        using var applicant = await FormSession.SignInAsync(app, Persona.Applicant);
        Assert.Equal(HttpStatusCode.Forbidden, (await applicant.GetRawAsync("/office/analytics/areas")).StatusCode);
    }

    static async Task<HttpResponseMessage> PostAsync(HttpClient client, string html, string url, Dictionary<string, string> fields)
    {
        var token = Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEqual("", token);
        return await client.PostAsync(url, new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", token)]));
    }

    /// <summary>The words on the same row as the first occurrence of <paramref name="label"/> (a breakdown's bar label), right of it, in reading order.</summary>
    static string RowAfter(UglyToad.PdfPig.PdfDocument pdf, string label)
    {
        var parts = label.Split(' ');
        foreach (var page in pdf.GetPages())
        {
            var words = page.GetWords().ToList();
            for (var i = 0; i + parts.Length <= words.Count; i++)
            {
                if (!parts.Select((p, k) => words[i + k].Text == p).All(x => x)) continue;
                var last = words[i + parts.Length - 1].BoundingBox;
                var row = words.Where(w => w.BoundingBox.Left > last.Right && Math.Abs(w.BoundingBox.Top - last.Top) < 6)
                    .OrderBy(w => w.BoundingBox.Left).Select(w => w.Text);
                return string.Join(" ", row);
            }
        }
        return "";
    }
}
