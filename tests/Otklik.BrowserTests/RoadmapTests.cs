using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Roadmaps;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Roadmaps;

namespace Otklik.BrowserTests;

/// <summary>
/// A complaint's roadmap on the appeal card, screen by screen: the executor adds steps (a mistake shows next to its
/// field and keeps what was typed) and reorders them, the controller approves the roadmap and takes the complaint to the
/// Business Protection HQ, and an HQ member of a federal body records the HQ's decision, which becomes a step.
/// </summary>
public sealed class RoadmapTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_executor_builds_a_roadmap_on_the_card_the_controller_approves_it_and_the_hq_decides(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.ComplaintInWorkAsync();
        var card = $"/office/appeals/{a.Id}";

        var executor = await browser.SignInAsync(app, Persona.MunAExecutor);
        await executor.GotoAsync(card);
        await Assertions.Expect(executor.GetByRole(AriaRole.Heading, new() { Name = "Дорожная карта жалобы" })).ToBeVisibleAsync();
        var add = executor.Locator("form:has(h3:text-is('Добавить шаг'))");
        await add.GetByLabel("Что нужно сделать").FillAsync("Запросить у подрядчика график замены кровли");
        await add.GetByLabel("Ответственная организация").SelectOptionAsync(app.Region.MunA.ToString());
        await add.GetByLabel("Срок: правило").FillAsync("working-days:3");
        await add.GetByRole(AriaRole.Button, new() { Name = "Добавить шаг" }).ClickAsync();
        await Assertions.Expect(executor.GetByRole(AriaRole.Status)).ToContainTextAsync("Дорожная карта обновлена");

        // A step without a deadline is refused; the error stands next to the field and the title stays typed.
        add = executor.Locator("form:has(h3:text-is('Добавить шаг'))");
        await add.GetByLabel("Что нужно сделать").FillAsync("Провести проверку качества работ с участием жильцов");
        await add.GetByLabel("Ответственная организация").SelectOptionAsync(app.Region.MinHousing.ToString());
        await add.GetByRole(AriaRole.Button, new() { Name = "Добавить шаг" }).ClickAsync();
        await Assertions.Expect(add.Locator(".field-error")).ToContainTextAsync("Укажите срок шага");
        await Assertions.Expect(add.GetByLabel("Что нужно сделать")).ToHaveValueAsync("Провести проверку качества работ с участием жильцов");
        await Browser.ShotAsync(executor, app, "85-roadmap-error");
        await add.GetByLabel("Срок: дата").FillAsync("2026-12-10");
        await add.GetByRole(AriaRole.Button, new() { Name = "Добавить шаг" }).ClickAsync();
        await Assertions.Expect(executor.GetByRole(AriaRole.Status)).ToContainTextAsync("Дорожная карта обновлена");

        await executor.GetByRole(AriaRole.Button, new() { Name = "Поднять шаг 2" }).ClickAsync();
        await Assertions.Expect(executor.Locator("table.roadmap-steps tbody tr").First).ToContainTextAsync("Провести проверку качества работ");
        await Browser.ShotAsync(executor, app, "85-roadmap-executor");

        // The controller approves the plan and takes the complaint to the HQ.
        var controller = await browser.SignInAsync(app, Persona.MunAController);
        await controller.GotoAsync(card);
        await controller.GetByRole(AriaRole.Button, new() { Name = "Утвердить дорожную карту" }).ClickAsync();
        await Assertions.Expect(controller.GetByRole(AriaRole.Status)).ToContainTextAsync("Дорожная карта обновлена");
        await Assertions.Expect(controller.Locator("#h-roadmap")).ToContainTextAsync("Утверждена");
        await controller.GetByLabel("Почему жалоба выносится на Штаб").FillAsync("Подрядчик не выходит на объект, министерство не реагирует на претензии.");
        await controller.GetByRole(AriaRole.Button, new() { Name = "Вынести на Штаб" }).ClickAsync();
        await Assertions.Expect(controller.Locator("#roadmap")).ToContainTextAsync("Жалоба вынесена на Штаб");
        await Assertions.Expect(controller.Locator(".timeline")).ToContainTextAsync("Дорожная карта утверждена");
        await Browser.ShotAsync(controller, app, "85-roadmap-approved");

        var steps = await app.WithDbAsync(db => db.RoadmapSteps.AsNoTracking().Where(s => s.AppealId == a.Id).OrderBy(s => s.Order).ToListAsync());
        Assert.Equal(["Провести проверку качества работ с участием жильцов", "Запросить у подрядчика график замены кровли"], steps.Select(s => s.Title));
        Assert.All(steps, s => Assert.NotNull(s.ApprovedAtUtc));

        // An HQ member of УФНС (outside the platform) sees it on the HQ's list and records the decision.
        var hq = await browser.SignInAsync(app, Persona.HqMember);
        await hq.GotoAsync("/office/hq");
        await Assertions.Expect(hq.GetByRole(AriaRole.Link, new() { Name = a.Number, Exact = true })).ToBeVisibleAsync();
        await Browser.ShotAsync(hq, app, "86-hq-list");
        await hq.Locator("tr", new() { HasText = a.Number }).GetByRole(AriaRole.Link, new() { Name = "Решение Штаба" }).ClickAsync();
        await hq.GetByRole(AriaRole.Button, new() { Name = "Записать решение" }).ClickAsync();
        await Assertions.Expect(hq.Locator("#decision-text-error")).ToContainTextAsync("Изложите решение Штаба");
        await hq.GetByLabel("Решение", new() { Exact = true }).FillAsync("Администрации города Б выдать подрядчику ордер на работы до 4 декабря.");
        await hq.GetByLabel("Администрация города Б").CheckAsync();
        await hq.GetByLabel("Исполнить до (необязательно)").FillAsync("2026-12-04");
        await hq.GetByRole(AriaRole.Button, new() { Name = "Записать решение" }).ClickAsync();
        await Assertions.Expect(hq.GetByRole(AriaRole.Status)).ToContainTextAsync("Решение Штаба записано");
        await Browser.ShotAsync(hq, app, "86-hq-decision");

        var hqStep = await app.WithDbAsync(db => db.RoadmapSteps.AsNoTracking().SingleAsync(s => s.AppealId == a.Id && s.Source == StepSource.Hq));
        Assert.Equal(app.Region.MunB, hqStep.OwnerOrganisationId);
        Assert.Equal(new DateOnly(2026, 12, 4), hqStep.DueDate);
    }
}
