using Microsoft.Playwright;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

public sealed class SignInTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_moderator_signs_in_and_sees_the_queues(Engine engine)
    {
        var app = await pool.For(engine);
        await app.SubmitAsync();

        var page = await browser.SignInAsync(app, Persona.CentreModerator);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Здравствуйте");
        var moderation = page.Locator("[data-queue=Moderation]");
        await Assertions.Expect(moderation).Not.ToHaveTextAsync("0");
        await Browser.ShotAsync(page, app, "01-queues");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_wrong_password_is_shown_next_to_the_form_and_keeps_the_email(Engine engine)
    {
        var app = await pool.For(engine);
        var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/office");
        Assert.Contains("/office/login", page.Url);

        await page.GetByLabel("Электронная почта").FillAsync("centremoderator@test.example");
        await page.GetByLabel("Пароль").FillAsync("неверный");
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Неверный адрес электронной почты или пароль");
        await Assertions.Expect(page.GetByLabel("Электронная почта")).ToHaveValueAsync("centremoderator@test.example");
        await Browser.ShotAsync(page, app, "00-sign-in-error");
    }
}
