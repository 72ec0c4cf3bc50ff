using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// The lead composes the answer from a co-executor's part, adds a sentence, inserts an answer template: nothing already
/// written is lost, the template's unfilled legal basis stays visible and named, and the answer is refused (the error
/// next to the text, naming the placeholder) until it is written in.
/// </summary>
public sealed class AnswerTemplateTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_template_is_added_to_the_composed_answer_and_its_unfilled_placeholder_is_refused_until_written_in(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var a = await app.AppealInAsync(AppealStatus.InWork);
        a = await app.ActAsync(Persona.MunAExecutor, a, "co-executors", new { organisationId = r.MunB, task = "Сообщить сроки ремонта на участке города Б." });
        a = await app.ActAsync(Persona.MunBExecutor, a, $"co-executors/{a.Parts.Single().Id}/complete", new { result = "Подрядчик города Б заделает яму до 1 декабря." });
        var name = "Ответ о ремонте дороги " + Guid.NewGuid().ToString("N")[..6];
        await app.ClientAs(Persona.ContentEditor).PostJsonAsync("/api/v1/knowledge/templates", new
        {
            name, categoryId = r.CityCategory, ownerOrganisationId = r.Centre,
            body = "Нормативная база: {ПравовоеОснование}\n\nИсполнитель: {Исполнитель}",
        }).Expect(System.Net.HttpStatusCode.Created);

        var page = await browser.SignInAsync(app, Persona.MunAExecutor);
        await page.SetViewportSizeAsync(1366, 768);
        await page.GotoAsync($"/office/appeals/{a.Id}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Собрать ответ из частей соисполнителей" }).ClickAsync();
        var answer = page.GetByLabel("Текст ответа");
        await Assertions.Expect(answer).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("Подрядчик города Б заделает яму до 1 декабря\\.$"));
        // Typed, not saved: inserting the template must keep it too.
        await answer.PressAsync("Control+End");
        await answer.PressSequentiallyAsync("\nНа участке города А яма будет заделана до 5 декабря.");

        await page.GetByLabel("Шаблон ответа").SelectOptionAsync(new SelectOptionValue { Label = name });
        await page.GetByRole(AriaRole.Button, new() { Name = "Вставить шаблон в ответ" }).ClickAsync();
        await Assertions.Expect(answer).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(
            "Подрядчик города Б заделает яму до 1 декабря\\.\\nНа участке города А яма будет заделана до 5 декабря\\.\\n\\nНормативная база: \\{ПравовоеОснование\\}\\n\\nИсполнитель: Тестов12 MunAExecutor$"));
        await Assertions.Expect(page.Locator("[data-template-status]")).ToContainTextAsync("{ПравовоеОснование}");
        Assert.DoesNotContain("template=", page.Url); // no reload: the page never left
        await Browser.ShotAsync(page, app, "43-answer-template-inserted");

        await page.GetByLabel("Результат рассмотрения").SelectOptionAsync("SupportedMeasuresTaken");
        await page.GetByRole(AriaRole.Button, new() { Name = "Отправить ответ" }).ClickAsync();
        var error = page.Locator("#answer-text-error");
        await Assertions.Expect(error).ToContainTextAsync("{ПравовоеОснование}");
        await Assertions.Expect(answer).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("На участке города А яма будет заделана до 5 декабря"));
        await Browser.ShotAsync(page, app, "44-answer-placeholder-refused");
        var refused = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id));
        Assert.Equal((AppealStatus.InWork, (string?)null, a.Version), (refused.Status, refused.AnswerText, refused.Version));

        var text = (await answer.InputValueAsync()).Replace("{ПравовоеОснование}", "Федеральный закон от 02.05.2006 № 59-ФЗ");
        await answer.FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Отправить ответ" }).ClickAsync();
        await page.WaitForURLAsync("**done=submitted**");
        var sent = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id));
        Assert.Equal(AppealStatus.AnswerReview, sent.Status);
        Assert.Contains("Подрядчик города Б заделает яму до 1 декабря.", sent.AnswerText);
        Assert.Contains("На участке города А яма будет заделана до 5 декабря.", sent.AnswerText);
        Assert.Contains("Нормативная база: Федеральный закон от 02.05.2006 № 59-ФЗ", sent.AnswerText);
    }
}
