using System.Net;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>The whole life of an appeal through the API, on both engines.</summary>
public sealed class AppealLifeTests(AppPool pool) : IClassFixture<AppPool>
{
    /// <summary>Intake answers from the appeal it has just written (ADR 0014): that answer is exactly what a read gives.</summary>
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_answer_to_a_submission_is_the_appeal_as_a_read_shows_it(Engine engine)
    {
        var app = await pool.For(engine);
        var applicant = app.ClientAs(Persona.Applicant);
        var created = await applicant.PostJsonAsync("/api/v1/appeals", Samples.Pothole(app.Region, text: "  Яма у подъезда дома 5, машины бьют колёса.  "))
            .Expect(HttpStatusCode.Created);
        var posted = await created.Content.ReadAsStringAsync();
        var id = (await created.ReadAsync<AppealView>()).Id;
        var read = await (await applicant.GetAsync($"/api/v1/appeals/{id}").Expect(HttpStatusCode.OK)).Content.ReadAsStringAsync();
        Assert.Equal(read, posted);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_pothole_goes_from_submission_to_closure(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;

        var a = await app.SubmitAsync();
        Assert.Matches(@"^2026-\d{6}$", a.Number);
        Assert.Equal(AppealStatus.Moderation, a.Status);
        Assert.Equal(r.TerritoryA, a.TerritoryId);
        Assert.Equal(r.Centre, a.OwnerOrganisationId);

        a = await app.ActAsync(Persona.CentreModerator, a, "register");
        Assert.Equal(AppealStatus.Registered, a.Status);
        Assert.Equal(r.MunA, a.ExecutorOrganisationId);

        a = await app.ActAsync(Persona.MunADispatcher, a, "assign", new { personId = r.IdOf(Persona.MunAExecutor) });
        a = await app.ActAsync(Persona.MunAExecutor, a, "start");
        a = await app.ActAsync(Persona.MunAExecutor, a, "steps", new { note = "Выезд на место, яма сфотографирована." });
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer", new { text = "Яма заделана 25 ноября, фото прилагаем.", result = "supportedMeasuresTaken" });
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer/submit");
        Assert.Equal(AppealStatus.AnswerReview, a.Status);
        a = await app.ActAsync(Persona.MunAController, a, "answer/return", new { reasons = new[] { "noEvidence" }, comment = "Приложите фото." });
        Assert.Equal(AppealStatus.InWork, a.Status);
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer", new { text = "Яма заделана 25 ноября, фото до и после прилагаем.", result = "supportedMeasuresTaken" });
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer/submit");
        a = await app.ActAsync(Persona.MunAController, a, "answer/approve");
        Assert.Equal(AppealStatus.AnswerSent, a.Status);
        a = await app.ActAsync(Persona.Applicant, a, "rate", new { score = 2, comment = "Яму заделали плохо" });
        Assert.Equal(AppealStatus.InWork, a.Status);
        Assert.Equal(1, a.ReconsiderationCount);
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer", new { text = "Покрытие переложено 2 декабря.", result = "supportedMeasuresTaken" });
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer/submit");
        a = await app.ActAsync(Persona.MunAController, a, "answer/approve");
        a = await app.ActAsync(Persona.Applicant, a, "rate", new { score = 5 });
        Assert.Equal(AppealStatus.Closed, a.Status);
        Assert.Equal(FederalResult.SupportedMeasuresTaken, a.FederalResult);

        var history = await app.ClientAs(Persona.Applicant).GetAsync($"/api/v1/appeals/{a.Id}/history").Expect(HttpStatusCode.OK);
        var events = await history.ReadAsync<List<EventView>>();
        Assert.Equal(
            [EventKind.Received, EventKind.Routed, EventKind.Registered, EventKind.Assigned, EventKind.WorkStarted, EventKind.StepRecorded,
             EventKind.AnswerDrafted, EventKind.AnswerSubmitted, EventKind.AnswerReturned, EventKind.AnswerDrafted, EventKind.AnswerSubmitted,
             EventKind.AnswerApproved, EventKind.AnswerSent, EventKind.Rated, EventKind.Reopened, EventKind.AnswerDrafted, EventKind.AnswerSubmitted,
             EventKind.AnswerApproved, EventKind.AnswerSent, EventKind.Rated, EventKind.Closed],
            events.Select(e => e.Kind));

        // The card in one request: the appeal with the same history; without the parameter, no history at all.
        var card = await app.ClientAs(Persona.Applicant).GetAsync($"/api/v1/appeals/{a.Id}?include=history").Expect(HttpStatusCode.OK);
        var withHistory = await card.ReadAsync<AppealView>();
        Assert.Equal((a.Id, a.Number, a.Status), (withHistory.Id, withHistory.Number, withHistory.Status));
        Assert.Equal(events.Select(e => (e.Id, e.Sequence, e.Kind, e.ActorName)), withHistory.History!.Select(e => (e.Id, e.Sequence, e.Kind, e.ActorName)));
        var plain = await app.ClientAs(Persona.Applicant).GetAsync($"/api/v1/appeals/{a.Id}").Expect(HttpStatusCode.OK);
        Assert.DoesNotContain("\"history\"", await plain.Content.ReadAsStringAsync());
    }
}
