using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Business;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>Issue 23: an entrepreneur finds a measure on a phone and a desktop and asks about it; a fund's register is uploaded with a bad row, then fixed.</summary>
public sealed class BusinessPortalTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_entrepreneur_finds_a_measure_and_a_fund_uploads_its_register(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var loan = Guid.NewGuid();
        await app.WithDbAsync(async db =>
        {
            db.SupportMeasures.Add(SupportMeasure.Create(new("Микрозаём «Производство»", "Заём на покупку оборудования для пекарен и цехов.", SupportForm.Loan,
                5_000_000, "до 5 млн ₽ под 1–5 % годовых", BusinessKinds.SoleTrader | BusinessKinds.Small, "10, 25", null, "Залог оборудования\nНет долгов по налогам",
                "Заявление\nВыписка из ЕГРЮЛ", "Приём заявок круглый год", null, r.Fund, "https://fond.example.ru/apply", r.SubsidyTopic, true), DateTime.UtcNow, loan));
            db.SupportMeasures.Add(SupportMeasure.Create(new("Субсидия «Модернизация»", "Возмещение затрат на новое оборудование.", SupportForm.Subsidy,
                10_000_000, "до 10 млн ₽", BusinessKinds.Medium, "", null, "Оборудование не старше 3 лет", "Заявление", null, null,
                r.MinInvestDepartment, null, null, true), DateTime.UtcNow));
            await db.SaveChangesAsync();
        });

        foreach (var (width, height, suffix) in new[] { (1280, 900, ""), (360, 740, "-phone") })
        {
            var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = new() { Width = width, Height = height } });
            var page = await context.NewPageAsync();
            await page.GotoAsync("/");
            await page.Locator("header").GetByRole(AriaRole.Link, new() { Name = "Поддержка бизнеса" }).First.ClickAsync(new() { Force = true });
            await page.WaitForURLAsync("**/business");
            await Assertions.Expect(page.Locator("li.measure-card")).ToHaveCountAsync(2);
            await page.GetByLabel("Что ищете").FillAsync("оборудованием");
            await page.GetByLabel("Кто вы").SelectOptionAsync(new SelectOptionValue { Label = "Индивидуальный предприниматель" });
            await page.GetByLabel("Код ОКВЭД").FillAsync("10.71");
            await page.GetByRole(AriaRole.Button, new() { Name = "Подобрать" }).ClickAsync();
            await Assertions.Expect(page.Locator("li.measure-card")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("#measures-found")).ToHaveTextAsync("Подходящие меры: 1");
            Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= width, "The catalogue is wider than the screen.");
            await Browser.ShotAsync(page, app, "90-business-catalogue" + suffix);

            await page.GetByRole(AriaRole.Link, new() { Name = "Микрозаём «Производство»" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Микрозаём «Производство»");
            Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= width, "The measure page is wider than the screen.");
            await Browser.ShotAsync(page, app, "91-business-measure" + suffix);
            await page.GetByRole(AriaRole.Link, new() { Name = "Задать вопрос" }).ClickAsync();
            await Assertions.Expect(page.Locator("#contact-measure")).ToContainTextAsync("Микрозаём «Производство»");
            await context.CloseAsync();
        }

        // A fund's register: one bad row refuses the file, naming the row; the fixed file is taken whole.
        var office = await browser.SignInAsync(app, Persona.RegionAdmin);
        await office.GotoAsync("/office/business");
        var header = "Получатель;ИНН;Форма поддержки;Вид поддержки;Размер поддержки, руб.;Дата решения\n";
        var bad = header + "ООО «Уральский хлеб»;6670000014;Финансовая;Микрозаём;1500000,00;14.11.2026\nИП Белова К. И.;667000000011;Финансовая;Микрозаём;300000;15.11.2026\n";
        await office.GetByLabel("Организация").SelectOptionAsync(r.Fund.ToString());
        await office.GetByLabel("Месяц").FillAsync("2026-11");
        await office.GetByLabel("Файл реестра").SetInputFilesAsync(new FilePayload { Name = "reestr.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(bad) });
        await office.GetByRole(AriaRole.Button, new() { Name = "Загрузить реестр" }).ClickAsync();
        await Assertions.Expect(office.Locator("#row-errors")).ToContainTextAsync("Строка 3: неверный ИНН «667000000011»");
        await Browser.ShotAsync(office, app, "92-business-register-refused");
        Assert.Equal(0, await app.WithDbAsync(db => db.SupportRecipients.CountAsync()));

        await office.GetByLabel("Организация").SelectOptionAsync(r.Fund.ToString());
        await office.GetByLabel("Файл реестра").SetInputFilesAsync(new FilePayload { Name = "reestr.csv", MimeType = "text/csv",
            Buffer = System.Text.Encoding.UTF8.GetBytes(bad.Replace("667000000011", "500100732259", StringComparison.Ordinal)) });
        await office.GetByRole(AriaRole.Button, new() { Name = "Загрузить реестр" }).ClickAsync();
        await Assertions.Expect(office.Locator("#upload-done")).ToContainTextAsync("строк — 2");
        await Assertions.Expect(office.Locator("#freshness")).ToContainTextAsync("Реестр получателей поддержки");
        await Browser.ShotAsync(office, app, "93-business-office");

        await office.GotoAsync("/business/recipients?q=500100732259");
        await Assertions.Expect(office.Locator("table.recipients tbody tr")).ToHaveCountAsync(1);
    }
}
