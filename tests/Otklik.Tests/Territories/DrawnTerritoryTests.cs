using System.Net;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Directory;
using Otklik.Features.Surveys;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Portal;
using Otklik.Tests.Workspace;

namespace Otklik.Tests.Territories;

/// <summary>
/// Areas drawn on the office map (issues 20 and 22, item 6): checked when saved, never an appeal's territory, and their
/// informing audience and poll voters found by point-in-polygon on the appeal's point.
/// </summary>
public sealed class DrawnTerritoryTests
{
    // A square inside Город Б (lon 61.0–61.5, lat 56.7–57.0) around TestRegion.InsideB (56.85, 61.25).
    const string Square = "56.80,61.20;56.80,61.30;56.90,61.30;56.90,61.20";
    static readonly (double Lat, double Lon) OutsideSquare = (56.95, 61.45); // still in Город Б

    static async Task<Guid> DrawAsync(TestApp app, string name = "Квартал у улицы Мира")
    {
        using var admin = await FormSession.SignInAsync(app, Persona.RegionAdmin);
        await admin.GetAsync("/office/admin/territories?draw=true");
        var saved = await admin.PostAsync("/office/admin/territories?handler=Draw", [new("DrawnName", name), new("DrawnPoints", Square)]);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        return await app.WithDbAsync(db => db.Territories.Where(t => t.Name == name).Select(t => t.Id).SingleAsync());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_drawn_area_is_refused_in_Russian_next_to_the_field_when_it_is_not_a_proper_polygon_in_the_region(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        using var admin = await FormSession.SignInAsync(app, Persona.RegionAdmin);
        Assert.Contains("Нарисовать на карте", await admin.GetAsync("/office/admin/territories"));
        async Task Refused(string name, string points, string field, string error)
        {
            await admin.GetAsync("/office/admin/territories");
            var r = await admin.PostAsync("/office/admin/territories?handler=Draw", [new("DrawnName", name), new("DrawnPoints", points)]);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
            Assert.Contains($"<span id=\"{field}-error\" class=\"field-error\">{error}", await r.Content.ReadAsStringAsync());
        }
        await Refused("Две точки", "56.80,61.20;56.90,61.30", "drawnpoints", "Отметьте на карте не меньше трёх точек.");
        await Refused("Бабочка", "56.80,61.20;56.90,61.30;56.80,61.30;56.90,61.20", "drawnpoints", "Граница пересекает сама себя");
        await Refused("За краем", "56.80,61.20;56.80,62.30;56.90,62.30;56.90,61.20", "drawnpoints", "Территория выходит за пределы области.");
        await Refused(" ", Square, "drawnname", "Назовите территорию");
        Assert.Equal(2, await app.WithDbAsync(db => db.Territories.CountAsync()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_drawn_square_reaches_the_appeal_inside_and_not_the_one_outside_and_never_becomes_an_appeals_territory(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var area = await DrawAsync(app);
        Assert.Equal(TerritoryKind.Drawn, await app.WithDbAsync(db => db.Territories.Where(t => t.Id == area).Select(t => t.Kind).SingleAsync()));
        var inside = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideB, "Яма у дома 3 по улице Мира, глубокая."));
        var outside = await app.SubmitAsync(Samples.Pothole(r, OutsideSquare, "Яма у дома 40 по улице Садовой, широкая."), Persona.OtherApplicant);
        // Intake and routing still see the municipality: the drawn area is not one.
        Assert.Equal(r.TerritoryB, await app.WithDbAsync(db => db.Appeals.Where(a => a.Id == inside.Id).Select(a => a.TerritoryId).SingleAsync()));
        Assert.Equal(r.TerritoryB, await app.WithDbAsync(db => db.Appeals.Where(a => a.Id == outside.Id).Select(a => a.TerritoryId).SingleAsync()));
        Assert.DoesNotContain("Квартал у улицы Мира", await app.Anonymous().GetStringAsync("/api/v1/territories"));

        using var analyst = await FormSession.SignInAsync(app, Persona.CentreAnalyst);
        var form = await analyst.GetAsync("/office/analytics/informing");
        Assert.Contains($"<option value=\"{area}\">Квартал у улицы Мира</option>", form);
        // The analyst draws from the form itself (ADR 0049), not on the administrator's page.
        Assert.Contains("href=\"/office/analytics/areas?back=informing\"", form);
        var preview = await (await analyst.PostAsync("/office/analytics/informing?handler=preview", [new("territoryId", area.ToString())])).Content.ReadAsStringAsync();
        Assert.Contains("<strong data-count=\"appeals\">1</strong>", preview);
        // The municipality around it still reaches both.
        await analyst.GetAsync("/office/analytics/informing");
        var whole = await (await analyst.PostAsync("/office/analytics/informing?handler=preview", [new("territoryId", r.TerritoryB.ToString())])).Content.ReadAsStringAsync();
        Assert.Contains("<strong data-count=\"appeals\">2</strong>", whole);
        // Where a territory filters appeals by their municipality (the office list, the citizen's alerts), a drawn area
        // would match nothing, so it is not offered there.
        Assert.DoesNotContain("Квартал у улицы Мира", await analyst.GetAsync("/office/appeals"));
        Assert.Contains(r.TerritoryB.ToString(), await analyst.GetAsync("/office/appeals"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_poll_for_a_drawn_area_counts_the_voter_whose_latest_appeal_is_inside_and_refuses_one_without_a_point_or_outside(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var area = await DrawAsync(app);
        using var editor = await FormSession.SignInAsync(app, Persona.ContentEditor);
        var form = await editor.GetAsync("/office/polls");
        Assert.Contains($"<option value=\"{area}\">Квартал у улицы Мира</option>", form);
        Assert.Contains("href=\"/office/analytics/areas?back=polls\"", form);
        var created = await editor.PostAsync("/office/polls", [new("Question", "Где поставить лавочки?"), new("Options", "У школы\nУ остановки"),
            new("OwnerOrganisationId", r.Centre.ToString()), new("TerritoryId", area.ToString()), new("ClosesOn", "2026-12-10")]);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var pollPath = created.Headers.Location!.OriginalString;
        var option = await app.WithDbAsync(db => db.Set<PollOption>().Where(o => o.Text == "У школы").Select(o => o.Id).SingleAsync());

        // No appeal with a point: the platform does not know where they live, so the vote is refused and said why.
        using var other = await PortalSession.SignedInAsync(app, Persona.OtherApplicant);
        var page = await other.GetAsync(pollPath);
        Assert.DoesNotContain("id=\"poll-territory\"", page); // no municipality to state for a drawn area
        var noPoint = await other.PostAsync(pollPath + "?handler=Vote", [new("OptionId", option.ToString())], withBotFields: false);
        Assert.Equal(HttpStatusCode.Conflict, noPoint.StatusCode);
        Assert.Contains("таких обращений у вас нет", await noPoint.Content.ReadAsStringAsync());
        // Their appeal is outside the square: refused too.
        await app.SubmitAsync(Samples.Pothole(r, OutsideSquare, "Яма у дома 40 по улице Садовой, широкая."), Persona.OtherApplicant);
        await other.GetAsync(pollPath);
        var outside = await other.PostAsync(pollPath + "?handler=Vote", [new("OptionId", option.ToString())], withBotFields: false);
        Assert.Equal(HttpStatusCode.Conflict, outside.StatusCode);
        Assert.Contains("лежит вне его", await outside.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.PollVotes.CountAsync()));

        // The applicant whose appeal is inside votes.
        await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideB, "Яма у дома 3 по улице Мира, глубокая."));
        using var resident = await PortalSession.SignedInAsync(app, Persona.Applicant);
        await resident.GetAsync(pollPath);
        Assert.Equal(HttpStatusCode.Redirect, (await resident.PostAsync(pollPath + "?handler=Vote", [new("OptionId", option.ToString())], withBotFields: false)).StatusCode);
        Assert.Equal(area, await app.WithDbAsync(db => db.PollVotes.Select(v => v.TerritoryId).SingleAsync()));
    }
}
