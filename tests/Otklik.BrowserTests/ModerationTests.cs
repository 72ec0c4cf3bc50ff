using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>An operator registers a call; a moderator works the queue: rejects one appeal with a reason, accepts another fixing its topic.</summary>
public sealed class ModerationTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_operator_registers_a_call_and_a_moderator_rejects_one_appeal_and_accepts_another_fixing_its_topic(Engine engine)
    {
        // Its own app: the clock moves so that the queue shows a late and an at-risk appeal.
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var misfiled = await app.SubmitAsync(Samples.Pothole(r, text: "Подрядчик капремонта сорвал сроки замены кровли в доме 10 по Ленина, в квартирах течёт с потолка."));
        app.Clock.Advance(TimeSpan.FromHours(20));
        var spam = await app.SubmitAsync(Samples.Pothole(r, at: TestRegion.InsideB, text: "Асфальтируем дворы недорого! Звоните по телефону на сайте, скидки до конца месяца."));
        var atRisk = await app.WithDbAsync(db => db.Appeals.Where(a => a.Id == spam.Id).Select(a => a.AtRiskFromUtc).SingleAsync());
        app.Clock.SetUtcNow(new DateTimeOffset(atRisk!.Value.AddMinutes(5), TimeSpan.Zero));

        // The operator takes a call.
        var op = await browser.SignInAsync(app, Persona.CentreOperator);
        await op.GetByRole(AriaRole.Link, new() { Name = "Регистрация обращения" }).ClickAsync();
        await Assertions.Expect(op.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Регистрация обращения");
        await op.GetByLabel("Фамилия", new() { Exact = true }).FillAsync("Кузнецова");
        await op.GetByLabel("Имя", new() { Exact = true }).FillAsync("Ольга");
        await op.GetByLabel("Отчество", new() { Exact = true }).FillAsync("Петровна");
        await op.GetByLabel("Телефон", new() { Exact = true }).FillAsync("+7 912 600-11-22");
        await op.GetByLabel("Электронная почта", new() { Exact = true }).FillAsync("olga.k@example.ru");
        await op.GetByLabel("Тип обращения").SelectOptionAsync(new SelectOptionValue { Label = "Проблема" });
        await op.GetByLabel("Категория", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Городское благоустройство" });
        // The topics follow the category at once (JavaScript), without the reload button.
        await Assertions.Expect(op.GetByRole(AriaRole.Button, new() { Name = "Показать темы категории" })).ToBeHiddenAsync();
        await op.GetByLabel("Тема", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Ямы на дорогах" });
        await op.GetByLabel("Адрес места").FillAsync("ул. Мира, 12, у въезда во двор");
        await op.GetByLabel("Широта (необязательно)").FillAsync("56.86");
        await op.GetByLabel("Долгота (необязательно)").FillAsync("60.3");
        await op.GetByLabel("Текст обращения").FillAsync("Звонок на горячую линию: у въезда во двор дома 12 по ул. Мира провал асфальта глубиной около 20 см.");
        await Browser.ShotAsync(op, app, "10-operator-register");
        await op.GetByRole(AriaRole.Button, new() { Name = "Зарегистрировать", Exact = true }).ClickAsync();

        await Assertions.Expect(op.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Обращение принято");
        var number = await op.Locator("#appeal-number").TextContentAsync();
        var call = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Number == number));
        Assert.Equal((Channel.Hotline, AppealStatus.Moderation, "Кузнецова", (Guid?)r.IdOf(Persona.CentreOperator)),
            (call.Channel, call.Status, call.Applicant.LastName, call.RegisteredById));
        await Assertions.Expect(op.Locator("#answer-due")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d\d\.\d\d\.\d{4}$"));
        await Browser.ShotAsync(op, app, "11-operator-registered");

        // The moderator opens the queue: the oldest appeal is late (red), the next one at risk (amber), the call last.
        var mod = await browser.SignInAsync(app, Persona.CentreModerator);
        await mod.GetByRole(AriaRole.Link, new() { Name = "Модерация", Exact = true }).ClickAsync();
        var rows = mod.Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(rows.Nth(0)).ToHaveClassAsync("overdue");
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync(misfiled.Number);
        await Assertions.Expect(rows.Nth(1)).ToHaveClassAsync("at-risk");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync(spam.Number);
        await Assertions.Expect(rows.Nth(2)).ToContainTextAsync(number!);
        await Browser.ShotAsync(mod, app, "20-moderation-queue");

        // Rejects the advertisement with a reason from the list.
        await mod.GetByRole(AriaRole.Link, new() { Name = spam.Number }).ClickAsync();
        await Assertions.Expect(mod.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Обращение {spam.Number}");
        await mod.GetByLabel("Причина отказа").SelectOptionAsync(new SelectOptionValue { Label = "Реклама, спам или сведения, не относящиеся к делу" });
        await mod.GetByLabel("Комментарий для заявителя (необязательно)").FillAsync("Коммерческое предложение не является обращением.");
        await Browser.ShotAsync(mod, app, "21-moderation-reject");
        await mod.GetByRole(AriaRole.Button, new() { Name = "Отклонить", Exact = true }).ClickAsync();
        await Assertions.Expect(mod.GetByRole(AriaRole.Status)).ToContainTextAsync($"Обращение {spam.Number} отклонено");
        var rejected = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Id == spam.Id));
        Assert.Equal((AppealStatus.Rejected, (Ground?)Ground.SpamOrAds), (rejected.Status, rejected.OutcomeGround));
        Assert.True(await app.WithDbAsync(db => db.Outbox.AnyAsync(m => m.AppealId == spam.Id && m.Type == "appeal.rejected")));

        // Accepts the misfiled one: the topic is corrected first, and the proposed executor follows it.
        await mod.GetByRole(AriaRole.Link, new() { Name = misfiled.Number }).ClickAsync();
        await Assertions.Expect(mod.GetByLabel("Организация-исполнитель")).ToHaveValueAsync(r.MunA.ToString());
        await mod.GetByLabel("Тема", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Капитальный ремонт" });
        await mod.GetByRole(AriaRole.Button, new() { Name = "Сохранить исправления" }).ClickAsync();
        await Assertions.Expect(mod.GetByRole(AriaRole.Status)).ToContainTextAsync("Классификация исправлена");
        await Assertions.Expect(mod.GetByLabel("Организация-исполнитель")).ToHaveValueAsync(r.MinHousing.ToString());
        await Browser.ShotAsync(mod, app, "22-moderation-accept");
        await mod.GetByRole(AriaRole.Button, new() { Name = "Зарегистрировать", Exact = true }).ClickAsync();
        await Assertions.Expect(mod.GetByRole(AriaRole.Status)).ToContainTextAsync($"Обращение {misfiled.Number} зарегистрировано. Исполнитель: Министерство ЖКХ");
        await Assertions.Expect(mod.Locator("tbody tr")).ToHaveCountAsync(1);

        var accepted = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Id == misfiled.Id));
        Assert.Equal((AppealStatus.Registered, (Guid?)r.HousingTopic, (Guid?)r.MinHousing), (accepted.Status, accepted.TopicId, accepted.ExecutorOrganisationId));
    }
}
