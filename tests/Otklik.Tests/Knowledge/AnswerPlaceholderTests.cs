using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Knowledge;
using Otklik.Tests.Api;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Knowledge;

/// <summary>
/// A template placeholder without a value never reaches an applicant: filling leaves it visible in the draft, and the
/// answer is refused (named, next to the text) until it is written in. Both engines.
/// </summary>
public sealed class AnswerPlaceholderTests(AppPool pool) : IClassFixture<AppPool>
{
    const string Kb = "/api/v1/knowledge";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_answer_with_an_unfilled_placeholder_is_refused_naming_it_and_nothing_changes(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var template = await (await app.ClientAs(Persona.ContentEditor).PostJsonAsync($"{Kb}/templates", new
        {
            name = "Ответ с нормативной базой " + Guid.NewGuid().ToString("N")[..6], categoryId = r.CityCategory, ownerOrganisationId = r.Centre,
            body = "Обращение № {Номер} рассмотрено.\n\nНормативная база: {ПравовоеОснование}\n\n{Исполнитель}",
        }).Expect(HttpStatusCode.Created)).ReadAsync<KnowledgeApi.TemplateView>();
        var a = await app.AppealInAsync(AppealStatus.InWork);

        // No article, so no legal basis: the placeholder stays for the executor to fill, not an empty «Нормативная база:».
        var filled = (await (await app.ClientAs(Persona.MunAExecutor).GetAsync($"{Kb}/templates/{template.Id}/filled?appealId={a.Id}")
            .Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>()).GetProperty("text").GetString()!;
        Assert.Equal($"Обращение № {a.Number} рассмотрено.\n\nНормативная база: {{ПравовоеОснование}}\n\nТестов12 MunAExecutor", filled);

        // A draft may hold it…
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer", new { text = filled + "\nСрок: {СрокОтвета}", result = "explained" });
        var before = await app.WithDbAsync(db => db.AppealEvents.CountAsync(e => e.AppealId == a.Id));
        // …but it is not sent: 422, the placeholders named next to the text.
        var refused = await app.ClientAs(Persona.MunAExecutor).PostJsonAsync($"/api/v1/appeals/{a.Id}/answer/submit", new { version = a.Version })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "answer.placeholders");
        var error = refused.GetProperty("errors").GetProperty("text")[0].GetString()!;
        Assert.Contains("{ПравовоеОснование}", error);
        Assert.Contains("{СрокОтвета}", error);
        var stored = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id));
        Assert.Equal((AppealStatus.AnswerDraft, a.Version), (stored.Status, stored.Version));
        Assert.Equal(before, await app.WithDbAsync(db => db.AppealEvents.CountAsync(e => e.AppealId == a.Id)));
        Assert.False(await app.WithDbAsync(db => db.Outbox.AnyAsync(o => o.AppealId == a.Id && o.Type == "appeal.answered")));

        // Written in, it goes.
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer",
            new { text = filled.Replace("{ПравовоеОснование}", "Федеральный закон № 59-ФЗ"), result = "explained" });
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer/submit");
        Assert.Equal(AppealStatus.AnswerReview, a.Status);
        a = await app.ActAsync(Persona.MunAController, a, "answer/approve");
        Assert.Equal(AppealStatus.AnswerSent, a.Status);
        Assert.Contains("Нормативная база: Федеральный закон № 59-ФЗ", a.AnswerText);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_consultation_answered_from_an_article_without_a_legal_basis_leaves_no_gap_and_edited_placeholders_are_refused(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var article = await app.AddArticleAsync("Как продлить патент " + Guid.NewGuid().ToString("N")[..6], "Патент продлевают в налоговой инспекции.",
            topicId: r.SubsidyTopic);
        var appeal = await app.SubmitAsync(Samples.Subsidy(r));
        var operatorClient = app.ClientAs(Persona.CentreOperator);

        // The operator's own text with a placeholder left in: refused, named, nothing changes.
        var refused = await operatorClient.PostJsonAsync($"/api/v1/appeals/{appeal.Id}/consultation",
                new { version = appeal.Version, articleId = article.Id, text = "Уважаемый {ИмяЗаявителя}! Патент продлевают в налоговой." })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "answer.placeholders");
        Assert.Contains("{ИмяЗаявителя}", refused.GetProperty("errors").GetProperty("text")[0].GetString());
        Assert.Equal(AppealStatus.Moderation, await app.WithDbAsync(db => db.Appeals.Where(x => x.Id == appeal.Id).Select(x => x.Status).SingleAsync()));

        // Filled by the server: a line that is only the missing legal basis is dropped, nothing is left to fill.
        var closed = await (await operatorClient.PostJsonAsync($"/api/v1/appeals/{appeal.Id}/consultation", new { version = appeal.Version, articleId = article.Id })
            .Expect(HttpStatusCode.OK)).ReadAsync<AppealView>();
        Assert.Equal(AppealStatus.Closed, closed.Status);
        Assert.DoesNotContain("{", closed.AnswerText);
        Assert.DoesNotContain("\n\n\n", closed.AnswerText);
    }

    [Fact]
    public void Filling_keeps_a_placeholder_without_a_value_and_names_what_is_left()
    {
        var values = new Dictionary<string, string> { [Placeholders.Number] = "ЕК-1", [Placeholders.LegalBasis] = "" };
        Assert.Equal("№ ЕК-1\nНормативная база: {ПравовоеОснование}",
            Placeholders.Fill("№ {Номер}\nНормативная база: {ПравовоеОснование}", values));
        Assert.Equal("№ ЕК-1\nКонец", Placeholders.Fill("№ {Номер}\n{ПравовоеОснование}\nКонец", values, dropLonelyEmpty: true));
        Assert.Equal(["{ПравовоеОснование}", "{Дата}"], Placeholders.Unfilled("{ПравовоеОснование} и {Дата}, снова {ПравовоеОснование}"));
        Assert.Empty(Placeholders.Unfilled("Ответ без полей."));
    }
}
