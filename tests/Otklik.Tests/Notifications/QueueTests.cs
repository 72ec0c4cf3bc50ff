using System.Net;
using System.Text.Json;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Roadmaps;
using Otklik.Tests.Workspace;
using static Otklik.Tests.Infrastructure.Persona;

namespace Otklik.Tests.Notifications;

/// <summary>
/// The queues of everyone who owes work, through the office pages as signed-in staff: «Части соисполнителя» for the
/// co-executor's dispatcher and executor, «Шаги дорожных карт» for step owners, the controller's «Просроченные» with
/// overdue parts and steps, and the home counters. Each test has its own app: it moves the clock.
/// </summary>
public sealed class QueueTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_co_executors_part_is_in_its_organisations_queue_with_its_own_deadline_and_its_controller_sees_it_overdue(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(app.Region));
        await app.ActAsync(MinInvestExecutor, a, "co-executors", new { organisationId = app.Region.MunB, task = "Сведения о муниципальной поддержке" });

        var coExecutor = await Office.SignInAsync(app, MunBExecutor);
        var parts = await coExecutor.HtmlAsync("/office/parts");
        Assert.Contains($">{a.Number}</a>", parts);
        Assert.Contains("Сведения о муниципальной поддержке", parts);
        Assert.Contains("badge ok", parts);
        Assert.Equal(1, (await CountersAsync(coExecutor)).GetProperty("Parts").GetInt32());
        Assert.Contains("Части соисполнителя", await coExecutor.HtmlAsync("/office"));
        Assert.Contains($">{a.Number}</a>", await (await Office.SignInAsync(app, MunBDispatcher)).HtmlAsync("/office/parts"));
        // Not the lead's queue, nor another municipality's.
        Assert.DoesNotContain($">{a.Number}</a>", await (await Office.SignInAsync(app, MunAExecutor)).HtmlAsync("/office/parts"));
        var controller = await Office.SignInAsync(app, MunBController);
        Assert.DoesNotContain($">{a.Number}</a>", await controller.HtmlAsync("/office/control?overdue=true"));

        // Its own deadline passes (here the appeal's, counted when the part was given): amber, then red.
        var part = (await app.GetAsync(a.Id)).Parts.Single();
        app.Clock.SetUtcNow(new DateTimeOffset(part.DueAtUtc!.Value.AddHours(-2), TimeSpan.Zero));
        Assert.Contains("<tr class=\"at-risk\">", await coExecutor.HtmlAsync("/office/parts"));
        app.Clock.SetUtcNow(new DateTimeOffset(part.DueAtUtc!.Value.AddMinutes(1), TimeSpan.Zero));
        parts = await coExecutor.HtmlAsync("/office/parts");
        Assert.Contains("<tr class=\"overdue\">", parts);
        Assert.Contains("Просрочено", parts);

        // The co-executor's controller controls the part, not the appeal: it is in their overdue list for the part.
        var overdue = await controller.HtmlAsync("/office/control?overdue=true");
        Assert.Contains($">{a.Number}</a>", overdue);
        Assert.Contains("Просрочена часть", overdue);
        Assert.Equal(1, (await CountersAsync(controller)).GetProperty("Overdue").GetInt32());

        // Done, it leaves the queue.
        await app.ActAsync(MunBExecutor, await app.GetAsync(a.Id), $"co-executors/{part.Id}/complete", new { result = "Муниципальной поддержки нет." });
        Assert.DoesNotContain($">{a.Number}</a>", await coExecutor.HtmlAsync("/office/parts"));
        Assert.Equal(0, (await CountersAsync(coExecutor)).GetProperty("Parts").GetInt32());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_roadmap_step_is_in_its_owners_queue_and_overdue_in_the_controllers_list(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var a = await app.ComplaintInWorkAsync();
        await app.RoadmapAsync(MunAExecutor, a.Id, "roadmap/steps",
            new { title = "Выдать ордер на работы", ownerOrganisationId = r.MunB, personId = r.IdOf(MunBExecutor), policy = "working-days:3" });

        var owner = await Office.SignInAsync(app, MunBExecutor);
        // Not approved yet: not owed yet.
        Assert.DoesNotContain("Выдать ордер на работы", await owner.HtmlAsync("/office/steps"));
        var map = await app.RoadmapAsync(MunAController, a.Id, "roadmap/approve");

        var steps = await owner.HtmlAsync("/office/steps");
        Assert.Contains("Выдать ордер на работы", steps);
        Assert.Contains($">{a.Number}</a>", steps);
        Assert.Equal(1, (await CountersAsync(owner)).GetProperty("Steps").GetInt32());
        Assert.Contains("Выдать ордер на работы", await (await Office.SignInAsync(app, MunBDispatcher)).HtmlAsync("/office/steps"));
        Assert.DoesNotContain("Выдать ордер на работы", await (await Office.SignInAsync(app, MunADispatcher)).HtmlAsync("/office/steps"));

        var controller = await Office.SignInAsync(app, MunBController);
        Assert.DoesNotContain($">{a.Number}</a>", await controller.HtmlAsync("/office/control?overdue=true"));
        app.Clock.SetUtcNow(new DateTimeOffset(map.Steps.Single().DueAtUtc.AddMinutes(1), TimeSpan.Zero));
        Assert.Contains("<tr class=\"overdue\">", await owner.HtmlAsync("/office/steps"));
        var overdue = await controller.HtmlAsync("/office/control?overdue=true");
        Assert.Contains($">{a.Number}</a>", overdue);
        Assert.Contains("Просрочен шаг 1", overdue);
        Assert.Equal(1, (await CountersAsync(controller)).GetProperty("Overdue").GetInt32());
    }

    static async Task<JsonElement> CountersAsync(HttpClient office) =>
        await (await office.GetAsync("/office/counters").Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
}
