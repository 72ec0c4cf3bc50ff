using Microsoft.Playwright;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>Issue 18.5: the operator records a meeting with business and its question from the navigation, at 1366×768.</summary>
public sealed class MeetingsTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_operator_records_a_meeting_a_participant_and_a_question_and_sees_it_as_an_appeal(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var page = await browser.SignInAsync(app, Persona.CentreOperator);
        await page.SetViewportSizeAsync(1366, 768);
        await page.Locator("nav").GetByRole(AriaRole.Link, new() { Name = "Встречи с бизнесом" }).ClickAsync();
        await page.WaitForURLAsync("**/office/meetings");

        await page.GetByLabel("Тема встречи").FillAsync("Встреча с производителями мебели");
        await page.GetByLabel("Место").FillAsync("Дом правительства, зал 410");
        await page.GetByRole(AriaRole.Button, new() { Name = "Записать встречу" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Встреча записана");

        await page.GetByLabel("Фамилия, имя, отчество").FillAsync("Кузнецова Анна Сергеевна");
        await page.GetByLabel("Организация").FillAsync("ООО «Мебельград»");
        await page.GetByLabel("ИНН").FillAsync("7707083893");
        await page.GetByLabel("Телефон").FillAsync("+7 343 111-22-33");
        await page.GetByRole(AriaRole.Button, new() { Name = "Добавить участника" }).ClickAsync();
        await Assertions.Expect(page.Locator("#participants")).ToContainTextAsync("Кузнецова Анна Сергеевна");

        await page.GetByLabel("Кто задал").SelectOptionAsync(new SelectOptionValue { Label = "Кузнецова Анна Сергеевна (ООО «Мебельград»)" });
        await page.GetByLabel("Категория").SelectOptionAsync(new SelectOptionValue { Label = "Меры поддержки" });
        await page.GetByLabel("Суть вопроса").FillAsync("Просим разъяснить порядок возмещения затрат на участие в выставке.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Зарегистрировать вопрос" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Вопрос зарегистрирован как обращение №");
        var row = page.Locator("#questions tbody tr");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync("возмещения затрат");
        await Assertions.Expect(row).ToContainTextAsync("Кузнецова Анна Сергеевна");
        await Browser.ShotAsync(page, app, "meeting");

        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page.Locator(".meeting-origin")).ToContainTextAsync("Вопрос со встречи «Встреча с производителями мебели»");
        await Browser.ShotAsync(page, app, "meeting-card");
    }
}
