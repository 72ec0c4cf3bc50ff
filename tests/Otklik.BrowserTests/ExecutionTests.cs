using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// An appeal of municipality A from assignment to the approved answer, screen by screen: the dispatcher assigns it,
/// the executor answers, the controller returns the answer with reasons and then approves it; an executor of
/// municipality B cannot open it.
/// </summary>
public sealed class ExecutionTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_appeal_is_assigned_answered_returned_for_rework_and_approved(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.Registered);
        var card = $"/office/appeals/{a.Id}";

        // The dispatcher assigns it to a specialist, seeing each one's load.
        var dispatcher = await browser.SignInAsync(app, Persona.MunADispatcher);
        await dispatcher.GotoAsync("/office/dispatch");
        var select = dispatcher.Locator($"#person-{a.Number}");
        await Assertions.Expect(select.Locator("option", new() { HasText = "MunAExecutor — в работе:" })).ToHaveCountAsync(1);
        await select.SelectOptionAsync(app.Region.IdOf(Persona.MunAExecutor).ToString());
        await Browser.ShotAsync(dispatcher, app, "30-dispatch");
        await dispatcher.Locator("tr", new() { Has = select }).GetByRole(AriaRole.Button, new() { Name = "Назначить" }).ClickAsync();
        await Assertions.Expect(dispatcher.GetByRole(AriaRole.Status)).ToContainTextAsync($"Обращение {a.Number} назначено исполнителю");

        // The executor finds it in "my appeals", opens the card and answers.
        var executor = await browser.SignInAsync(app, Persona.MunAExecutor);
        await executor.GotoAsync("/office/my");
        var link = executor.GetByRole(AriaRole.Link, new() { Name = a.Number, Exact = true });
        await Assertions.Expect(link).ToBeVisibleAsync();
        await Browser.ShotAsync(executor, app, "40-executor-list");
        await link.ClickAsync();
        await Assertions.Expect(executor.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync($"Обращение {a.Number}");
        await Assertions.Expect(executor.Locator(".timeline")).ToContainTextAsync("Назначен исполнитель");
        await Browser.ShotAsync(executor, app, "41-appeal-card");
        await executor.GetByRole(AriaRole.Button, new() { Name = "Взять в работу" }).ClickAsync();
        await Assertions.Expect(executor.GetByRole(AriaRole.Status)).ToContainTextAsync("Обращение взято в работу");
        await executor.GetByLabel("Текст ответа").FillAsync("Яма будет заделана до 1 декабря: работы включены в план ямочного ремонта.");
        await executor.GetByLabel("Результат рассмотрения").SelectOptionAsync("SupportedMeasuresTaken");
        await Browser.ShotAsync(executor, app, "42-answer");
        await executor.GetByRole(AriaRole.Button, new() { Name = "Отправить ответ" }).ClickAsync();
        await Assertions.Expect(executor.GetByRole(AriaRole.Status)).ToContainTextAsync("Ответ отправлен");
        Assert.Equal(AppealStatus.AnswerReview, await StatusAsync(app, a.Id));

        // The controller returns it with reasons from the rework criteria.
        var controller = await browser.SignInAsync(app, Persona.MunAController);
        await controller.GotoAsync("/office/control");
        await controller.GetByRole(AriaRole.Link, new() { Name = a.Number, Exact = true }).ClickAsync();
        await controller.GetByLabel("Нет подтверждения (фото, акты)").CheckAsync();
        await controller.GetByLabel("Не указаны сроки устранения").CheckAsync();
        await controller.GetByLabel("Комментарий исполнителю").FillAsync("Приложите фото и укажите точную дату.");
        await Browser.ShotAsync(controller, app, "50-control-return");
        await controller.GetByRole(AriaRole.Button, new() { Name = "Вернуть на доработку" }).ClickAsync();
        await Assertions.Expect(controller.GetByRole(AriaRole.Status)).ToContainTextAsync("Ответ возвращён исполнителю на доработку");
        Assert.Equal(AppealStatus.InWork, await StatusAsync(app, a.Id));

        // The executor sees why, corrects the answer and sends it again.
        await executor.GotoAsync(card);
        await Assertions.Expect(executor.Locator(".timeline")).ToContainTextAsync("Не указаны сроки устранения; Нет подтверждения (фото, акты). Приложите фото и укажите точную дату.");
        await executor.GetByLabel("Текст ответа").FillAsync("Яма заделана 28 ноября (фото после ремонта прилагается); гарантийный срок — 2 года.");
        await executor.GetByRole(AriaRole.Button, new() { Name = "Отправить ответ" }).ClickAsync();
        await Assertions.Expect(executor.GetByRole(AriaRole.Status)).ToContainTextAsync("Ответ отправлен");

        // The controller approves it; the answer goes to the applicant.
        await controller.GotoAsync(card);
        await controller.GetByRole(AriaRole.Button, new() { Name = "Утвердить и направить заявителю" }).ClickAsync();
        await Assertions.Expect(controller.GetByRole(AriaRole.Status)).ToContainTextAsync("Ответ утверждён и направлен заявителю");
        await Assertions.Expect(controller.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Ответ направлен");
        await Browser.ShotAsync(controller, app, "51-control-approve");
        Assert.Equal(AppealStatus.AnswerSent, await StatusAsync(app, a.Id));

        // An executor of municipality B gets the not-found page, with nothing of the appeal on it.
        var stranger = await browser.SignInAsync(app, Persona.MunBExecutor);
        var response = await stranger.GotoAsync(card);
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(stranger.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Обращение не найдено");
        await Assertions.Expect(stranger.Locator("main")).Not.ToContainTextAsync(a.Number);
        await Browser.ShotAsync(stranger, app, "60-other-municipality");
    }

    static Task<AppealStatus> StatusAsync(TestApp app, Guid id) =>
        app.WithDbAsync(db => db.Appeals.Where(x => x.Id == id).Select(x => x.Status).SingleAsync());
}
