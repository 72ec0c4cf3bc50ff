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
}
