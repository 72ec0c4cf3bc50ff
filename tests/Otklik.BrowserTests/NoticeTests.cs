using System.Net;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Roadmaps;

namespace Otklik.BrowserTests;

/// <summary>
/// The people who owe work find it in their own queue, without searching: the executor of a co-executor organisation
/// watches the bell count rise without reloading when a two-organisation consultation reaches them, finds the part in
/// «Части соисполнителя» and completes it on the card; the owner of a complaint's roadmap step finds it in «Шаги дорожных
/// карт». The bell polls every second here; the outbox is dispatched as a worker node does.
/// </summary>
public sealed class NoticeTests(Browser browser) : IClassFixture<Browser>
{
    static readonly Dictionary<string, string?> FastBell = new() { ["Otklik:Notices:PollSeconds"] = "1" };

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_co_executors_executor_sees_the_bell_rise_and_finds_the_part_in_their_queue(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, settings: FastBell);
        var r = app.Region;
        // A two-organisation consultation: the rule sends subsidy questions to Мининвест with a part for город Б.
        await app.ClientAs(Persona.RegionAdmin).PostJsonAsync("/api/v1/routing/rules", new
        {
            name = "Субсидии: с городом Б", conditions = new { topicIds = new[] { r.SubsidyTopic } },
            actions = new { executorOrganisationId = r.MinInvest, coExecutorIds = new[] { r.MunB }, route = "several" },
        }).Expect(HttpStatusCode.Created);

        var executor = await browser.SignInAsync(app, Persona.MunBExecutor);
        await executor.GetByRole(AriaRole.Link, new() { Name = "Части соисполнителя" }).First.ClickAsync();
        await Assertions.Expect(executor.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Части соисполнителя");
        await Assertions.Expect(executor.Locator("main")).ToContainTextAsync("Открытых частей нет.");
        var count = executor.Locator(".bell [data-unread-count]");
        await Assertions.Expect(count).ToHaveTextAsync("0");

        var a = await app.AppealInAsync(AppealStatus.Registered, Samples.Subsidy(r));
        Assert.Equal(r.MunB, a.Parts.Single().OrganisationId);
        await app.DispatchMailAsync();

        // No reload: the count rises on the page already open.
        await Assertions.Expect(count).ToHaveTextAsync("1", new() { Timeout = 15_000 });
        await Assertions.Expect(executor.Locator("main")).ToContainTextAsync("Открытых частей нет.");
        await Browser.ShotAsync(executor, app, "90-bell-rises");

        await executor.Locator(".bell").ClickAsync();
        var notice = executor.Locator("ul.notices li").First;
        await Assertions.Expect(notice).ToContainTextAsync($"Часть обращения № {a.Number} передана вашей организации");
        await Assertions.Expect(notice.Locator(".badge")).ToHaveTextAsync("Новое");
        await Browser.ShotAsync(executor, app, "90-notices");
        await notice.GetByRole(AriaRole.Button, new() { Name = "Отметить прочитанным" }).ClickAsync();
        await Assertions.Expect(count).ToHaveTextAsync("0");
        await Assertions.Expect(executor.Locator("ul.notices li").First.Locator(".badge")).ToHaveCountAsync(0);

        await executor.GetByRole(AriaRole.Link, new() { Name = "Части соисполнителя" }).First.ClickAsync();
        var row = executor.Locator("table.parts-queue tbody tr", new() { HasText = a.Number });
        await Assertions.Expect(row).ToContainTextAsync("Часть соисполнителя: подготовьте сведения по своей компетенции");
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("В срок");
        await Browser.ShotAsync(executor, app, "90-parts-queue");
        await row.GetByRole(AriaRole.Link, new() { Name = a.Number }).ClickAsync();
        var partForm = executor.Locator("form", new() { HasText = "Часть для «Город Б»" });
        await partForm.GetByLabel("Результат").FillAsync("Муниципальная поддержка: компенсация 30% процентной ставки.");
        await partForm.GetByRole(AriaRole.Button, new() { Name = "Часть выполнена" }).ClickAsync();
        await Assertions.Expect(executor.Locator("ul.parts")).ToContainTextAsync("компенсация 30% процентной ставки");
        await executor.GotoAsync("/office/parts");
        await Assertions.Expect(executor.Locator("main")).ToContainTextAsync("Открытых частей нет.");

        // The settings: the person asks for the parts by e-mail at once.
        await executor.GotoAsync("/office/notices/settings");
        await executor.GetByLabel("Часть обращения для вашей организации (соисполнитель) — И письмом сразу").CheckAsync();
        await executor.GetByRole(AriaRole.Button, new() { Name = "Сохранить" }).ClickAsync();
        await Assertions.Expect(executor.GetByRole(AriaRole.Status)).ToHaveTextAsync("Настройки уведомлений сохранены.");
        await Assertions.Expect(executor.GetByLabel("Часть обращения для вашей организации (соисполнитель) — И письмом сразу")).ToBeCheckedAsync();
        await Browser.ShotAsync(executor, app, "90-notice-settings");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_owner_of_a_roadmap_step_finds_it_in_their_queue(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, settings: FastBell);
        var r = app.Region;
        var a = await app.ComplaintInWorkAsync();
        await app.RoadmapAsync(Persona.MunAExecutor, a.Id, "roadmap/steps",
            new { title = "Выдать подрядчику ордер на работы", ownerOrganisationId = r.MunB, personId = r.IdOf(Persona.MunBExecutor), policy = "working-days:3" });
        await app.RoadmapAsync(Persona.MunAController, a.Id, "roadmap/approve");
        await app.DispatchMailAsync();

        var owner = await browser.SignInAsync(app, Persona.MunBExecutor);
        await Assertions.Expect(owner.Locator(".bell [data-unread-count]")).ToHaveTextAsync("1");
        var card = owner.Locator(".card", new() { HasText = "Шаги дорожных карт" });
        await Assertions.Expect(card.Locator(".count")).ToHaveTextAsync("1");
        await Browser.ShotAsync(owner, app, "91-home-counters");
        await card.ClickAsync();
        var row = owner.Locator("table.steps-queue tbody tr", new() { HasText = a.Number });
        await Assertions.Expect(row).ToContainTextAsync("Выдать подрядчику ордер на работы");
        await Assertions.Expect(row).ToContainTextAsync("Город Б");
        await Browser.ShotAsync(owner, app, "91-steps-queue");
        await row.GetByRole(AriaRole.Link, new() { Name = a.Number }).ClickAsync();
        await Assertions.Expect(owner.Locator("#roadmap")).ToContainTextAsync("Выдать подрядчику ордер на работы");
        await Browser.ShotAsync(owner, app, "91-step-on-card");
    }
}
