using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>A person registers on a phone, confirms by the link from the real e-mail, signs in and edits the profile on a desktop.</summary>
public sealed class AccountTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    static readonly ViewportSize Phone = new() { Width = 360, Height = 780 };
    static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Register_confirm_by_the_real_email_sign_in_and_edit_the_profile(Engine engine)
    {
        var app = await pool.For(engine);
        var email = MailBox.NewAddress("browser");
        const string password = "Urals-Browser-2026";

        var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = Phone });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/register");
        await page.GetByLabel("Фамилия").FillAsync("Лебедева");
        await page.Locator("#firstname").FillAsync("Мария");
        await page.GetByLabel("Отчество").FillAsync("Игоревна");
        await page.GetByLabel("Электронная почта").FillAsync(email);
        await page.GetByLabel("Телефон").FillAsync("+7 912 555-44-33");
        await page.Locator("#password").FillAsync(password);
        await page.Locator("#passwordconfirm").FillAsync("не тот");
        await page.GetByLabel("Согласен(на) на обработку персональных данных").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Зарегистрироваться" }).ClickAsync();

        // The mistake is shown next to its field; what was typed stays.
        await Assertions.Expect(page.Locator("#passwordconfirm-error")).ToHaveTextAsync("Пароли не совпадают.");
        await Assertions.Expect(page.GetByLabel("Фамилия")).ToHaveValueAsync("Лебедева");
        await Browser.ShotAsync(page, app, "60-register-error-phone");
        await page.Locator("#password").FillAsync(password);
        await page.Locator("#passwordconfirm").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Зарегистрироваться" }).ClickAsync();
        await Assertions.Expect(page.Locator("#register-done")).ToContainTextAsync(email);
        await Browser.ShotAsync(page, app, "61-register-done-phone");

        // The letter goes out through the outbox to the SMTP server; its link confirms the address.
        await app.DispatchMailAsync();
        var letter = await app.Mail.WaitForAsync(email);
        Assert.Equal("Подтвердите адрес электронной почты", letter.Subject);
        var link = Regex.Match(letter.TextOf(), @"https?://\S+/account/confirm\?\S+").Value;
        // Built from the configured public address (never from the request's Host); the test server listens elsewhere.
        Assert.StartsWith(app.Services.GetRequiredService<Otklik.Infrastructure.PublicUrl>().Link("/account/confirm?"), link);
        await page.GotoAsync(new Uri(link).PathAndQuery);
        await Assertions.Expect(page.Locator("#confirm-done")).ToContainTextAsync("подтверждён");
        await Browser.ShotAsync(page, app, "62-confirmed-phone");

        await page.GetByRole(AriaRole.Link, new() { Name = "Войти", Exact = true }).Last.ClickAsync();
        await page.Locator("#password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();
        await page.GotoAsync("/account/profile");
        await page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
        await Assertions.Expect(page.Locator("#profile-email")).ToHaveTextAsync(email);
        await Browser.ShotAsync(page, app, "63-profile-desktop");

        await page.GetByLabel("Отчество").FillAsync("Ивановна");
        await page.GetByLabel("Я представляю организацию или ИП").CheckAsync();
        await page.GetByLabel("Название организации").FillAsync("ИП Лебедева М. И.");
        await page.GetByLabel("ИНН").FillAsync("500100732259");
        await page.GetByRole(AriaRole.Button, new() { Name = "Сохранить", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#profile-saved")).ToHaveTextAsync("Изменения сохранены.");
        await Browser.ShotAsync(page, app, "64-profile-saved-desktop");
        await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
        await Browser.ShotAsync(page, app, "65-profile-phone");

        var person = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(p => p.Email == email));
        Assert.Equal((true, "Ивановна", "ИП Лебедева М. И.", "500100732259"), (person.EmailConfirmed, person.MiddleName, person.OrganisationName, person.OrganisationInn));
        await context.CloseAsync();
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_sign_in_and_contact_pages_fit_a_phone_and_a_desktop(Engine engine)
    {
        var app = await pool.For(engine);
        foreach (var (size, name) in new[] { (Phone, "phone"), (Desktop, "desktop") })
        {
            var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = size });
            var page = await context.NewPageAsync();
            await page.GotoAsync("/account/login");
            await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();
            await Assertions.Expect(page.Locator("#email-error")).ToHaveTextAsync("Укажите адрес электронной почты.");
            // Nothing is wider than the screen.
            Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), $"The sign-in page scrolls sideways at {size.Width} px.");
            await Browser.ShotAsync(page, app, $"66-login-error-{name}");
            await page.GotoAsync("/account/forgot");
            await Browser.ShotAsync(page, app, $"67-forgot-{name}");
            await context.CloseAsync();
        }
    }
}
