using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>The operator's whole path: find the caller who wrote before, check the filled-in form, register, see the number.</summary>
public sealed class RegisterTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_operator_finds_an_earlier_applicant_and_registers_the_call(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var earlier = await app.SubmitAsync(Samples.Subsidy(r));

        var op = await browser.SignInAsync(app, Persona.CentreOperator);
        await op.GetByRole(AriaRole.Link, new() { Name = "Регистрация обращения" }).ClickAsync();
        await op.GetByLabel("Найти по номеру телефона", new() { Exact = false }).FillAsync("8 (343) 200-00-00");
        await op.GetByRole(AriaRole.Button, new() { Name = "Найти заявителя" }).ClickAsync();
        await Assertions.Expect(op.GetByRole(AriaRole.Status).First).ToContainTextAsync("Найдено: 1");
        await Assertions.Expect(op.GetByRole(AriaRole.Group, new() { Name = "Заявитель" }).GetByRole(AriaRole.List)).ToContainTextAsync($"обращение {earlier.Number}");
        await Assertions.Expect(op.GetByLabel("Название организации (для организации)")).ToHaveValueAsync("ООО «Уралстанок»");

        await op.GetByLabel("Тип обращения").SelectOptionAsync(new SelectOptionValue { Label = "Вопрос" });
        await op.GetByLabel("Категория", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Меры поддержки" });
        await op.GetByLabel("Тема", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Субсидия «Модернизация»" });
        await op.GetByLabel("Текст обращения").FillAsync("Повторный звонок: когда откроется приём заявок на субсидию «Модернизация» в этом году?");
        await Browser.ShotAsync(op, app, "12-operator-found-applicant");
        await op.GetByRole(AriaRole.Button, new() { Name = "Зарегистрировать", Exact = true }).ClickAsync();

        await Assertions.Expect(op.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Обращение принято");
        var number = await op.Locator("#appeal-number").TextContentAsync();
        Assert.NotEqual(earlier.Number, number);
        var call = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Number == number));
        Assert.Equal((Channel.Hotline, "ООО «Уралстанок»", "7707083893", (Guid?)r.IdOf(Persona.CentreOperator)),
            (call.Channel, call.Applicant.OrganisationName, call.Applicant.Inn, call.RegisteredById));
        await Browser.ShotAsync(op, app, "13-operator-registered-found-applicant");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_operator_registers_a_paper_letter_received_yesterday_with_its_scan_and_it_is_due_from_yesterday(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var zoneId = await app.WithDbAsync(db => db.Organisations.Where(o => o.Id == r.Centre).Select(o => o.TimeZone).SingleAsync());
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var yesterday = app.Clock.GetUtcNow().UtcDateTime.AddDays(-1);
        yesterday = new DateTime(yesterday.Year, yesterday.Month, yesterday.Day, yesterday.Hour, yesterday.Minute, 0, DateTimeKind.Utc);
        var typed = TimeZoneInfo.ConvertTimeFromUtc(yesterday, zone).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var scan = Path.Combine(Path.GetTempPath(), $"scan-{Guid.NewGuid():N}.pdf");
        await File.WriteAllTextAsync(scan, "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

        var op = await browser.SignInAsync(app, Persona.CentreOperator);
        await op.GotoAsync("/office/register");
        await op.GetByLabel("Письмо на бумаге").CheckAsync();
        await op.GetByLabel("Дата и время поступления по этому каналу").FillAsync(typed);
        await op.GetByLabel("Фамилия", new() { Exact = true }).FillAsync("Сидоров");
        await op.GetByLabel("Имя", new() { Exact = true }).FillAsync("Иван");
        await op.GetByLabel("Почтовый адрес для ответа").FillAsync("620000, г. А, ул. Мира, 5, кв. 3");
        await op.GetByLabel("Тип обращения").SelectOptionAsync(new SelectOptionValue { Label = "Проблема" });
        await op.GetByLabel("Категория", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Городское благоустройство" });
        await op.GetByLabel("Тема", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Капитальный ремонт" });
        await op.GetByLabel("Текст обращения").FillAsync("Письмо: подрядчик капитального ремонта сорвал сроки замены кровли, в квартирах течёт с потолка.");
        await op.GetByLabel("Файлы обращения (скан письма, приложения)").SetInputFilesAsync(scan);
        await Browser.ShotAsync(op, app, "14-operator-paper-letter");
        await op.GetByRole(AriaRole.Button, new() { Name = "Зарегистрировать", Exact = true }).ClickAsync();

        await Assertions.Expect(op.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Обращение принято");
        await Assertions.Expect(op.GetByRole(AriaRole.Status)).ToContainTextAsync("Письмо на бумаге");
        var number = await op.Locator("#appeal-number").TextContentAsync();
        var letter = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Number == number));
        // Received yesterday: moderation (48 hours, or 3 days by 59-ФЗ) counts from yesterday, not from today.
        Assert.Equal((Channel.Paper, yesterday, yesterday.AddHours(48)), (letter.Channel, letter.ReceivedAtUtc, letter.ModerationDueAtUtc));
        var file = await app.WithDbAsync(db => db.Attachments.AsNoTracking().SingleAsync(a => a.AppealId == letter.Id));
        Assert.Equal(Path.GetFileName(scan), file.FileName);
        await Browser.ShotAsync(op, app, "15-operator-paper-letter-registered");
    }
}
