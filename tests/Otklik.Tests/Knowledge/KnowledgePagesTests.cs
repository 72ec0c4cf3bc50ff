using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Workspace;

namespace Otklik.Tests.Knowledge;

/// <summary>The staff pages of the knowledge base, the card's template insertion and the portal's frequent questions, over HTTP.</summary>
public sealed class KnowledgePagesTests(AppPool pool) : IClassFixture<AppPool>
{
    static string Token(string html) => FormSession.TokenIn(html) ?? "";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_editor_writes_an_article_on_the_page_errors_stay_next_to_their_fields(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var editor = await Office.SignInAsync(app, Persona.ContentEditor);
        var form = await editor.HtmlAsync("/office/knowledge/edit");
        var title = "Кто выдаёт разрешение на вывеску " + Guid.NewGuid().ToString("N")[..6];

        var bad = await editor.PostAsync("/office/knowledge/edit", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(form), ["Title"] = title, ["Answer"] = "", ["CategoryId"] = r.BusinessCategory.ToString(),
            ["OwnerOrganisationId"] = r.Centre.ToString(), ["ReviewOn"] = "2027-06-01",
        }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var html = await bad.Content.ReadAsStringAsync();
        Assert.Contains("id=\"kb-answer-error\"", html);
        Assert.Contains($"value=\"{title}\"", html); // the failed form keeps what was typed

        var ok = await editor.PostAsync("/office/knowledge/edit", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(form), ["Title"] = title, ["Answer"] = "Эскиз вывески согласует администрация городского округа.",
            ["CategoryId"] = r.BusinessCategory.ToString(), ["OwnerOrganisationId"] = r.Centre.ToString(), ["ReviewOn"] = "2027-06-01", ["IsPublished"] = "true",
        }));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var article = await app.WithDbAsync(db => db.Articles.AsNoTracking().SingleAsync(a => a.Title == title));
        Assert.True(article.IsPublished);
        Assert.Equal(app.Region.IdOf(Persona.ContentEditor), article.AuthorId);

        // The staff search finds it by another form of the word; the operator reads it but gets no form.
        var operatorClient = await Office.SignInAsync(app, Persona.CentreOperator);
        var found = await operatorClient.HtmlAsync("/office/knowledge?q=" + Uri.EscapeDataString("вывески " + title.Split(' ')[^1]));
        Assert.Contains($"/office/knowledge/edit/{article.Id}", found);
        Assert.Contains("<mark>", found);
        var readOnly = await operatorClient.HtmlAsync($"/office/knowledge/edit/{article.Id}");
        Assert.DoesNotContain("name=\"Answer\"", readOnly);

        // The portal's frequent questions show it to anyone, under its category.
        var faq = await app.Anonymous().GetStringAsync("/faq");
        Assert.Contains($"/faq/{article.Id}", faq);
        Assert.Contains("Меры поддержки", faq);
        var one = await app.Anonymous().GetStringAsync($"/faq/{article.Id}");
        Assert.Contains("Эскиз вывески согласует администрация", one);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_executor_inserts_a_template_into_the_answer_draft_on_the_card(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var name = "Промежуточный ответ " + Guid.NewGuid().ToString("N")[..6];
        await app.ClientAs(Persona.ContentEditor).PostJsonAsync("/api/v1/knowledge/templates", new
        {
            name, categoryId = r.CityCategory, ownerOrganisationId = r.Centre, body = "Обращение № {Номер}: работы запланированы. {Исполнитель}",
        }).Expect(HttpStatusCode.Created);
        var templateId = await app.WithDbAsync(db => db.AnswerTemplates.Where(t => t.Name == name).Select(t => t.Id).SingleAsync());
        var appeal = await app.AppealInAsync(AppealStatus.InWork);
        var executor = await Office.SignInAsync(app, Persona.MunAExecutor);

        var card = await executor.HtmlAsync($"/office/appeals/{appeal.Id}");
        Assert.Contains(name, card);
        Assert.DoesNotContain("Ответить по базе знаний", card); // a pothole is not a consultation
        var withTemplate = await executor.HtmlAsync($"/office/appeals/{appeal.Id}?template={templateId}");
        Assert.Matches($"<textarea id=\"answer-text\"[^>]*>\\s*Обращение № {appeal.Number}: работы запланированы. Тестов12 MunAExecutor</textarea>", withTemplate);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_administrator_sees_stale_articles_by_organisation(Engine engine)
    {
        var app = await pool.For(engine);
        var title = "Устаревшая статья " + Guid.NewGuid().ToString("N")[..6];
        var stale = await app.AddArticleAsync(title, "Текст.", reviewOn: new DateOnly(2026, 1, 1), owner: app.Region.MunB);
        var admin = await Office.SignInAsync(app, Persona.MunBAdmin);
        var page = await admin.HtmlAsync("/office/knowledge/stale");
        Assert.Contains("Администрация города Б", page);
        Assert.Contains(title, page);
        Assert.Contains("устарела", await admin.HtmlAsync($"/office/knowledge/edit/{stale.Id}"));
        var editor = await Office.SignInAsync(app, Persona.ContentEditor);
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.GetAsync("/office/knowledge/stale")).StatusCode);
    }
}
