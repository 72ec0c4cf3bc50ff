using System.Net;
using System.Text.Json;
using Otklik.Features.Appeals;
using Otklik.Features.Portal.Public;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>
/// «Уже сообщили рядом?» on both engines: the open published appeals of the same topic within 300 m of a point, nearest
/// first, with masked text; «Я тоже» counted once per person and shown on the public appeal page.
/// </summary>
public sealed class NearbyAppealsTests(AppPool pool) : IClassFixture<AppPool>
{
    // 0.0015° of latitude is 167 m; 0.004° is 445 m.
    static readonly (double Lat, double Lon) Here = (56.93, 60.40);

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Open_appeals_of_the_topic_nearby_are_offered_and_supported_once_per_person(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var tag = engine.ToString();
        var atPoint = await app.AppealInAsync(AppealStatus.InWork,
            Samples.Pothole(r, Here, $"Яма у остановки, звоните +7 912 345-67-89, колесо пробито ({tag})."));
        var near = await app.AppealInAsync(AppealStatus.Registered, Samples.Pothole(r, (Here.Lat + 0.0015, Here.Lon), $"Яма на повороте во двор ({tag})."));
        // Not offered: too far, already answered, another topic, not published, not yet past moderation.
        await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(r, (Here.Lat + 0.004, Here.Lon), $"Яма далеко ({tag})."));
        await app.AppealInAsync(AppealStatus.AnswerSent, Samples.Pothole(r, Here, $"Яма уже с ответом ({tag})."));
        await app.AppealInAsync(AppealStatus.Registered, Samples.Housing(r).With("latitude", Here.Lat).With("longitude", Here.Lon)
            .With("isPublic", true).With("publicationConsent", true));
        await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(r, Here, $"Яма непубличная ({tag}).").With("isPublic", false).With("publicationConsent", false));
        await app.AppealInAsync(AppealStatus.Moderation, Samples.Pothole(r, Here, $"Яма на модерации ({tag})."));

        var url = FormattableString.Invariant($"/api/v1/nearby-appeals?lat={Here.Lat}&lon={Here.Lon}&topicId={r.PotholeTopic}");
        var found = await (await app.Anonymous().GetAsync(url).Expect(HttpStatusCode.OK)).ReadAsync<List<NearbyAppeals.Nearby>>();
        Assert.Equal([atPoint.Number, near.Number], found.Select(n => n.Number));
        Assert.Equal((0, 170), (found[0].DistanceMetres, found[1].DistanceMetres));
        Assert.Equal(("В работе", "Принято к рассмотрению", $"/appeals/{atPoint.Number}"), (found[0].Stage, found[1].Stage, found[0].Url));
        Assert.DoesNotContain("345-67-89", found[0].Excerpt);
        Assert.Contains("Яма у остановки", found[0].Excerpt);

        // «Я тоже»: counted once per person; anonymous callers are asked to sign in.
        await app.Anonymous().PostAsync($"/api/v1/nearby-appeals/{atPoint.Number}/support", null).Expect(HttpStatusCode.Unauthorized);
        var first = await (await app.ClientAs(Persona.OtherApplicant).PostAsync($"/api/v1/nearby-appeals/{atPoint.Number}/support", null)
            .Expect(HttpStatusCode.OK)).ReadAsync<NearbyAppeals.Supported>();
        Assert.Equal((1, true), (first.Supports, first.Added));
        var again = await (await app.ClientAs(Persona.OtherApplicant).PostAsync($"/api/v1/nearby-appeals/{atPoint.Number}/support", null)
            .Expect(HttpStatusCode.OK)).ReadAsync<NearbyAppeals.Supported>();
        Assert.Equal((1, false), (again.Supports, again.Added));
        var second = await (await app.ClientAs(Persona.Applicant).PostAsync($"/api/v1/nearby-appeals/{atPoint.Number}/support", null)
            .Expect(HttpStatusCode.OK)).ReadAsync<NearbyAppeals.Supported>();
        Assert.Equal(2, second.Supports);

        var mine = await (await app.ClientAs(Persona.OtherApplicant).GetAsync(url).Expect(HttpStatusCode.OK)).ReadAsync<List<NearbyAppeals.Nearby>>();
        Assert.Equal([true, false], mine.Select(n => n.SupportedByMe));
        Assert.Equal(2, mine[0].Supports);
        var page = await app.Anonymous().HtmlAsync($"/appeals/{atPoint.Number}");
        Assert.Contains("<dt>Поддержали</dt><dd>2</dd>", page);

        // An appeal that is not published cannot be supported from here either.
        var hidden = await app.AppealInAsync(AppealStatus.Moderation, Samples.Pothole(r, Here, $"Ещё одна яма на модерации ({tag})."));
        await app.ClientAs(Persona.OtherApplicant).PostAsync($"/api/v1/nearby-appeals/{hidden.Number}/support", null).Expect(HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Bad_input_names_the_field(Engine engine)
    {
        var app = await pool.For(engine);
        var response = await app.Anonymous().GetAsync("/api/v1/nearby-appeals?lat=север&lon=60.4").Expect(HttpStatusCode.BadRequest);
        var errors = (await response.ProblemAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("lat", out _));
        Assert.True(errors.TryGetProperty("topicId", out _));
        Assert.False(errors.TryGetProperty("lon", out _));
    }
}
