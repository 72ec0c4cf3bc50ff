using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Features.Routing;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// Auto-rules in the browser: the region's administrator writes a rule, tries it over the last 30 days, fixes a mistake
/// and saves it, and the next appeal's card says which rule routed it; a lead executor composes one answer from two
/// co-executors' parts. Each test has its own app: a rule routes every appeal of its app.
/// </summary>
public sealed class RoutingTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_administrator_writes_a_rule_tries_it_and_saves_it(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        await app.AppealInAsync(AppealStatus.Registered, Samples.Pothole(r, TestRegion.InsideA));
        await app.AppealInAsync(AppealStatus.Registered, Samples.Pothole(r, TestRegion.InsideA));
        await app.AppealInAsync(AppealStatus.Registered, Samples.Pothole(r, TestRegion.InsideB));
        await app.AppealInAsync(AppealStatus.Registered, Samples.Subsidy(r));

        var admin = await browser.SignInAsync(app, Persona.RegionAdmin);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Автоправила" }).ClickAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Новое правило" }).ClickAsync();
        await admin.GetByLabel("Темы").SelectOptionAsync(new SelectOptionValue { Label = "Городское благоустройство → Ямы на дорогах" });
        await admin.GetByLabel("Слова в тексте").FillAsync("ям, выбоин");
        await admin.GetByLabel("Организация-исполнитель (ведущий)").SelectOptionAsync(new SelectOptionValue { Label = "Администрация города Б" });
        await admin.GetByLabel("Метка").FillAsync("дороги");
        await admin.GetByLabel("При поступлении").SelectOptionAsync("Registration");

        // Saved without a name: the error stands next to the field and what was typed stays.
        await admin.GetByRole(AriaRole.Button, new() { Name = "Сохранить" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#name-error")).ToHaveTextAsync("Назовите правило.");
        await Assertions.Expect(admin.GetByLabel("Слова в тексте")).ToHaveValueAsync("ям, выбоин");
        await Assertions.Expect(admin.GetByLabel("Метка")).ToHaveValueAsync("дороги");

        await admin.GetByLabel("Название").FillAsync("Ямы — сразу в город Б");
        await Browser.ShotAsync(admin, app, "80-routing-rule-form");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Проверить на обращениях за 30 дней" }).ClickAsync();
        var result = admin.Locator("#try-result");
        await Assertions.Expect(result.GetByRole(AriaRole.Status)).ToContainTextAsync("сработало бы на 3 из 4 обращений");
        await Assertions.Expect(result.Locator("tr", new() { HasText = "Администрация города А" })).ToContainTextAsync("2");
        await Assertions.Expect(result.Locator("tr", new() { HasText = "Администрация города Б" })).ToContainTextAsync("1");
        await Browser.ShotAsync(admin, app, "80-routing-try");
        // Trying saved nothing.
        Assert.Equal(0, await app.WithDbAsync(db => db.RoutingRules.CountAsync()));

        await admin.GetByRole(AriaRole.Button, new() { Name = "Сохранить" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Правило «Ямы — сразу в город Б» сохранено");
        await Assertions.Expect(admin.Locator("table.rules")).ToContainTextAsync("исполнитель: Город Б");
        await Browser.ShotAsync(admin, app, "80-routing-list");
        var rule = await app.WithDbAsync(db => db.RoutingRules.SingleAsync());
        Assert.Equal([r.PotholeTopic], rule.Conditions.TopicIds);
        Assert.Equal(["ям", "выбоин"], rule.Conditions.Words);
        Assert.Equal(((Guid?)r.MunB, IntakeDecision.Registration, "дороги"), (rule.Actions.ExecutorOrganisationId, rule.Actions.Intake!.Value, rule.Actions.Tag));

        // The next pothole goes straight to город Б, and its card says which rule sent it there.
        var a = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideA));
        Assert.Equal((AppealStatus.Registered, r.MunB), (a.Status, a.ExecutorOrganisationId!.Value));
        var moderator = await browser.SignInAsync(app, Persona.CentreModerator);
        await moderator.GotoAsync($"/office/appeals/{a.Id}");
        var timeline = moderator.Locator(".timeline");
        await Assertions.Expect(timeline).ToContainTextAsync("Сработало автоправило");
        await Assertions.Expect(timeline).ToContainTextAsync("Автоправило «Ямы — сразу в город Б» (версия 1): метка «дороги»; исполнитель — Город Б; сразу на регистрацию.");
        await Browser.ShotAsync(moderator, app, "80-routing-card-timeline");

        // Switched off from the list, it routes no more.
        await admin.GetByRole(AriaRole.Button, new() { Name = "Выключить «Ямы — сразу в город Б»" }).ClickAsync();
        await Assertions.Expect(admin.Locator("table.rules")).ToContainTextAsync("выключено");
        Assert.Equal(AppealStatus.Moderation, (await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideA))).Status);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_lead_executor_composes_one_answer_from_two_co_executors_parts(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var created = await app.ClientAs(Persona.RegionAdmin).PostJsonAsync("/api/v1/routing/rules", new
        {
            name = "Ямы города А: с Мининвестом и городом Б", conditions = new { topicIds = new[] { r.PotholeTopic }, territoryIds = new[] { r.TerritoryA } },
            actions = new { executorOrganisationId = r.MunA, coExecutorIds = new[] { r.MinInvest, r.MunB }, route = "several" },
        }).Expect(HttpStatusCode.Created);
        Assert.NotEqual(Guid.Empty, (await created.ReadAsync<JsonElement>()).GetProperty("id").GetGuid());
        var a = await app.AppealInAsync(AppealStatus.InWork);
        Assert.Equal(2, a.Parts.Count);
        var card = $"/office/appeals/{a.Id}";

        // The ministry answers its part through the API; город Б on the card.
        var ministryPart = a.Parts.Single(p => p.OrganisationId == r.MinInvest);
        await app.ActAsync(Persona.MinInvestDispatcher, a, $"co-executors/{ministryPart.Id}/complete",
            new { result = "Участок дороги включён в региональную программу ремонта на 2027 год." });
        var coExecutor = await browser.SignInAsync(app, Persona.MunBExecutor);
        await coExecutor.GotoAsync(card);
        var partForm = coExecutor.Locator("form", new() { HasText = "Часть для «Город Б»" });
        await partForm.GetByLabel("Результат").FillAsync("Подрядчик города Б выделит асфальтовый каток до 1 декабря.");
        await partForm.GetByRole(AriaRole.Button, new() { Name = "Часть выполнена" }).ClickAsync();
        await Assertions.Expect(coExecutor.Locator("ul.parts")).ToContainTextAsync("Подрядчик города Б выделит асфальтовый каток");

        // The lead sees both parts and starts the answer from them.
        var lead = await browser.SignInAsync(app, Persona.MunAExecutor);
        await lead.GotoAsync(card);
        var parts = lead.Locator("ul.parts");
        await Assertions.Expect(parts.Locator(".badge.ok")).ToHaveCountAsync(2);
        await lead.GetByRole(AriaRole.Link, new() { Name = "Собрать ответ из частей соисполнителей" }).ClickAsync();
        var text = lead.GetByLabel("Текст ответа");
        // Both parts, in the order they were done (here both at the same instant of the test's clock).
        await Assertions.Expect(text).ToHaveValueAsync(
            new System.Text.RegularExpressions.Regex("^(?=.*Мининвест: Участок дороги включён)(?=.*Город Б: Подрядчик города Б)",
            System.Text.RegularExpressions.RegexOptions.Singleline));
        var composed = await text.InputValueAsync();
        await text.FillAsync("Уважаемая Мария! " + composed.Replace("Мининвест: ", "").Replace("Город Б: ", "") + " Яма будет заделана до 1 декабря.");
        await lead.GetByLabel("Результат рассмотрения").SelectOptionAsync("SupportedMeasuresTaken");
        await Browser.ShotAsync(lead, app, "80-routing-compose");
        await lead.GetByRole(AriaRole.Button, new() { Name = "Отправить ответ" }).ClickAsync();
        await Assertions.Expect(lead.GetByRole(AriaRole.Status)).ToContainTextAsync("Ответ отправлен");

        var stored = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id));
        Assert.Equal(AppealStatus.AnswerReview, stored.Status);
        Assert.Contains("Участок дороги включён в региональную программу ремонта на 2027 год.", stored.AnswerText);
        Assert.Contains("Подрядчик города Б выделит асфальтовый каток до 1 декабря.", stored.AnswerText);
    }
}
