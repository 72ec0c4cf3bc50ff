using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;
using Otklik.Features.Knowledge;

namespace Otklik.BrowserTests;

/// <summary>
/// The operator answers a business consultation from the knowledge base: searches with a word form that is not in the
/// article, picks it, checks the answer filled from the template, sends it, and the appeal is closed with the article.
/// </summary>
public sealed class KnowledgeTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_operator_finds_a_script_by_another_word_form_answers_and_the_appeal_is_closed(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var article = Article.Create(new Article.Content("Как получить субсидию «Модернизация» на покупку оборудования?",
            "Субсидия возмещает до 50 % затрат на новое оборудование. Заявку подают на инвестиционном портале в период отбора.",
            "Постановление Правительства области № 112-ПП", null, r.BusinessCategory, r.SubsidyTopic, r.Centre, new DateOnly(2027, 6, 1), true),
            null, "Тестов", app.Clock.GetUtcNow().UtcDateTime);
        await app.WithDbAsync(async db => { db.Articles.Add(article); await db.SaveChangesAsync(); });
        var appeal = await app.SubmitAsync(Samples.Subsidy(r));

        var page = await browser.SignInAsync(app, Persona.CentreOperator);
        await page.GotoAsync("/office/knowledge");
        await Browser.ShotAsync(page, app, "70-knowledge-list");

        await page.GotoAsync($"/office/appeals/{appeal.Id}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Ответить по базе знаний" }).ClickAsync();
        // «субсидиями» and «модернизации» are forms that the article does not contain.
        await page.GetByLabel("Найти ответ в базе знаний").FillAsync("субсидиями модернизации");
        await page.GetByRole(AriaRole.Button, new() { Name = "Найти" }).ClickAsync();
        var link = page.GetByRole(AriaRole.Link, new() { Name = article.Title });
        await Assertions.Expect(link).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".kb-hits mark").First).ToBeVisibleAsync();
        await Browser.ShotAsync(page, app, "71-knowledge-search-by-word-form");
        await link.ClickAsync();
        var answer = page.GetByLabel("Текст ответа (заполнен по шаблону, можно поправить)");
        await Assertions.Expect(answer).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("Уважаемый\\(ая\\) Петров Пётр!.*Заявку подают на инвестиционном портале",
            System.Text.RegularExpressions.RegexOptions.Singleline));
        await Browser.ShotAsync(page, app, "72-knowledge-answer-filled");
        await page.GetByRole(AriaRole.Button, new() { Name = "Отправить ответ и закрыть обращение" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Ответ по базе знаний отправлен, обращение закрыто");
        await Assertions.Expect(page.Locator(".timeline")).ToContainTextAsync(article.Title);
        await Browser.ShotAsync(page, app, "73-knowledge-appeal-closed");

        var stored = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Id == appeal.Id));
        Assert.Equal(AppealStatus.Closed, stored.Status);
        Assert.Contains("Заявку подают на инвестиционном портале", stored.AnswerText);
        Assert.Equal(1, await app.WithDbAsync(db => db.Articles.Where(a => a.Id == article.Id).Select(a => a.UsageCount).SingleAsync()));

        // The public side: frequent questions and the article.
        var portal = await browser.Chromium.NewPageAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 390, Height = 844 } });
        await portal.GotoAsync("/faq");
        await Assertions.Expect(portal.GetByRole(AriaRole.Link, new() { Name = article.Title })).ToBeVisibleAsync();
        await Browser.ShotAsync(portal, app, "74-knowledge-faq");
        await portal.CloseAsync();
    }
}
