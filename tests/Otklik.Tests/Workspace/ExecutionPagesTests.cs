using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Tests.Api;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Workspace;

/// <summary>The dispatcher's, executor's and controller's pages and the appeal card, driven over HTTP with a signed-in cookie.</summary>
public sealed class ExecutionPagesTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_dispatcher_sees_each_specialists_load_and_assigns_an_appeal(Engine engine)
    {
        var app = await pool.For(engine);
        var executor = app.Region.IdOf(Persona.MunAExecutor);
        await app.AppealInAsync(AppealStatus.InWork);
        var a = await app.AppealInAsync(AppealStatus.Registered);
        var load = await LoadOfAsync(app, executor);
        Assert.True(load >= 1);
        using var dispatcher = await Office.SignInAsync(app, Persona.MunADispatcher);

        var page = await dispatcher.PageAsync("/office/dispatch");
        Assert.Contains($">{a.Number}</a>", page);
        Assert.Contains($"<option value=\"{executor}\">Тестов12 MunAExecutor — в работе: {load}</option>", page);
        // Only the executors of municipality A are offered, never those of B.
        Assert.DoesNotContain(app.Region.IdOf(Persona.MunBExecutor).ToString(), page);

        var response = await dispatcher.PostAsync("/office/dispatch", null, new() { ["AppealId"] = a.Id.ToString(), ["Version"] = a.Version.ToString(), ["PersonId"] = executor.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/office/dispatch?assigned={a.Number}", response.Headers.Location?.OriginalString);

        var saved = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id));
        Assert.Equal((AppealStatus.Assigned, (Guid?)executor), (saved.Status, saved.AssigneeId));
        var last = (await app.EventsAsync(a.Id))[^1];
        Assert.Equal((EventKind.Assigned, (Guid?)app.Region.IdOf(Persona.MunADispatcher)), (last.Kind, last.ActorId));
        Assert.Equal(load + 1, await LoadOfAsync(app, executor));

        page = await dispatcher.PageAsync($"/office/dispatch?assigned={a.Number}");
        Assert.Contains($"Обращение {a.Number} назначено исполнителю", page);
        Assert.DoesNotContain($">{a.Number}</a>", page);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Assigning_a_specialist_of_another_municipality_is_refused_next_to_the_select(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.Registered);
        using var dispatcher = await Office.SignInAsync(app, Persona.MunADispatcher);
        await dispatcher.PageAsync("/office/dispatch");

        var stranger = app.Region.IdOf(Persona.MunBExecutor);
        var response = await dispatcher.PostAsync("/office/dispatch", null, new() { ["AppealId"] = a.Id.ToString(), ["Version"] = a.Version.ToString(), ["PersonId"] = stranger.ToString() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Matches($"id=\"person-{a.Number}-error\" class=\"field-error\" role=\"alert\">Этот сотрудник не исполнитель организации", html);
        var saved = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id));
        Assert.Equal((AppealStatus.Registered, (Guid?)null, a.Version), (saved.Status, saved.AssigneeId, saved.Version));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_executor_finds_the_appeal_in_the_list_and_answers_it_on_the_card(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.Assigned);
        using var executor = await Office.SignInAsync(app, Persona.MunAExecutor);

        var list = await executor.PageAsync("/office/my");
        Assert.Contains($"<a href=\"/office/appeals/{a.Id}\">{a.Number}</a>", list);
        Assert.Contains("В срок", list);

        var card = await executor.PageAsync($"/office/appeals/{a.Id}");
        Assert.Contains("Глубокая яма на проезжей части", card);
        Assert.Contains("Иванова Мария", card);
        Assert.Contains("ул. Ленина, 10", card);
        Assert.Contains("56.85, 60.25", card);
        Assert.Contains("Назначен исполнитель", card);
        Assert.Contains("Тестов12 MunAExecutor", card);
        // An executor gets the executor's forms, not the controller's.
        Assert.Contains("handler=Start", card);
        Assert.DoesNotContain("handler=Approve", card);
        Assert.DoesNotContain("handler=Extend", card);

        var started = await executor.PostAsync($"/office/appeals/{a.Id}", "Start", new() { ["Version"] = a.Version.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var version = await VersionAsync(app, a.Id);
        var answered = await executor.PostAsync($"/office/appeals/{a.Id}", "SubmitAnswer", new()
        {
            ["Version"] = version.ToString(), ["AnswerText"] = "Яма будет заделана до 1 декабря, работы включены в план ремонта.", ["AnswerResult"] = "SupportedMeasuresTaken",
        });
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);

        var saved = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id));
        Assert.Equal((AppealStatus.AnswerReview, "Яма будет заделана до 1 декабря, работы включены в план ремонта.", (FederalResult?)FederalResult.SupportedMeasuresTaken),
            (saved.Status, saved.AnswerText, saved.AnswerResult));
        var kinds = (await app.EventsAsync(a.Id)).Select(e => e.Kind).TakeLast(3).ToArray();
        Assert.Equal([EventKind.WorkStarted, EventKind.AnswerDrafted, EventKind.AnswerSubmitted], kinds);
        Assert.DoesNotContain($">{a.Number}</a>", await executor.PageAsync("/office/my"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_empty_answer_is_refused_next_to_the_field_and_the_form_keeps_what_was_chosen(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork);
        using var executor = await Office.SignInAsync(app, Persona.MunAExecutor);
        await executor.PageAsync($"/office/appeals/{a.Id}");

        var response = await executor.PostAsync($"/office/appeals/{a.Id}", "SubmitAnswer", new()
        {
            ["Version"] = a.Version.ToString(), ["AnswerText"] = "   ", ["AnswerResult"] = "Supported",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Matches("<textarea id=\"answer-text\" name=\"AnswerText\" rows=\"5\" aria-describedby=\"answer-text-error\">[^<]*</textarea>\\s*<span id=\"answer-text-error\" class=\"field-error\" role=\"alert\">Поле обязательно для заполнения.</span>", html);
        Assert.Contains("<option value=\"Supported\" selected=\"selected\">Рассмотрено. Поддержано</option>", html);

        // A long text that fails for another reason is kept as typed.
        var typed = "Ответ <script>alert(1)</script> с разметкой";
        response = await executor.PostAsync($"/office/appeals/{a.Id}", "Answer", new() { ["Version"] = a.Version.ToString(), ["AnswerText"] = typed, ["AnswerResult"] = "Explained" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Ответ &lt;script&gt;alert(1)&lt;/script&gt; с разметкой</textarea>", html);
        Assert.Contains("id=\"answer-text-error\"", html);

        var saved = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id));
        Assert.Equal((AppealStatus.InWork, a.Version, (string?)null), (saved.Status, saved.Version, saved.AnswerText));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_controller_returns_the_answer_with_reasons_and_approves_it_after_rework(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.AnswerReview);
        using var controller = await Office.SignInAsync(app, Persona.MunAController);
        using var executor = await Office.SignInAsync(app, Persona.MunAExecutor);

        var queue = await controller.PageAsync("/office/control");
        Assert.Contains($"<a href=\"/office/appeals/{a.Id}\">{a.Number}</a>", queue);
        var card = await controller.PageAsync($"/office/appeals/{a.Id}");
        Assert.Contains("handler=Approve", card);
        Assert.Contains("<label for=\"rework-NoEvidence\">Нет подтверждения (фото, акты)</label>", card);
        Assert.DoesNotContain("handler=SubmitAnswer", card);

        // No reason ticked: refused next to the reasons, nothing changes.
        var refused = await controller.PostAsync($"/office/appeals/{a.Id}", "Rework", new() { ["Version"] = a.Version.ToString(), ["ReworkComment"] = "Переделать" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("<span id=\"rework-reasons-error\" class=\"field-error\" role=\"alert\">Укажите хотя бы одну причину возврата на доработку.</span>", html);
        Assert.Contains(">Переделать</textarea>", html);

        var returned = await controller.PostAsync($"/office/appeals/{a.Id}", "Rework", new()
        {
            ["Version"] = a.Version.ToString(), ["ReworkReasons"] = new[] { "FormalAnswer", "NoEvidence" }, ["ReworkComment"] = "Приложите фото после ремонта.",
        });
        Assert.Equal(HttpStatusCode.Redirect, returned.StatusCode);
        var saved = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id));
        Assert.Equal(AppealStatus.InWork, saved.Status);
        var back = (await app.EventsAsync(a.Id))[^1];
        Assert.Equal((EventKind.AnswerReturned, (Guid?)app.Region.IdOf(Persona.MunAController)), (back.Kind, back.ActorId));
        Assert.Equal("Формальный ответ, не по существу; Нет подтверждения (фото, акты). Приложите фото после ремонта.", back.Note);
        Assert.DoesNotContain($">{a.Number}</a>", await controller.PageAsync("/office/control"));

        // The executor sees the reasons in the history, the draft in the form, and sends the answer again.
        card = await executor.PageAsync($"/office/appeals/{a.Id}");
        Assert.Contains("Ответ возвращён на доработку", card);
        Assert.Contains("Формальный ответ, не по существу; Нет подтверждения (фото, акты)", card);
        Assert.Contains("Яма будет заделана до 1 декабря, работы включены в план.</textarea>", card);
        var resubmitted = await executor.PostAsync($"/office/appeals/{a.Id}", "SubmitAnswer", new()
        {
            ["Version"] = saved.Version.ToString(), ["AnswerText"] = "Яма заделана 28 ноября, фото после ремонта приложено к ответу.", ["AnswerResult"] = "SupportedMeasuresTaken",
        });
        Assert.Equal(HttpStatusCode.Redirect, resubmitted.StatusCode);

        var version = await VersionAsync(app, a.Id);
        var approved = await controller.PostAsync($"/office/appeals/{a.Id}", "Approve", new() { ["Version"] = version.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        saved = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id));
        Assert.Equal((AppealStatus.AnswerSent, "Яма заделана 28 ноября, фото после ремонта приложено к ответу."), (saved.Status, saved.AnswerText));
        Assert.NotNull(saved.AnsweredAtUtc);
        var kinds = (await app.EventsAsync(a.Id)).Select(e => e.Kind).TakeLast(5).ToArray();
        Assert.Equal([EventKind.AnswerReturned, EventKind.AnswerDrafted, EventKind.AnswerSubmitted, EventKind.AnswerApproved, EventKind.AnswerSent], kinds);
        Assert.Equal(1, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.AppealId == a.Id && m.Type == "appeal.answered")));

        // A stale version (the page before the approval) is refused with a message, not a crash.
        var stale = await controller.PostAsync($"/office/appeals/{a.Id}", "Approve", new() { ["Version"] = version.ToString() });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("Обращение изменилось", await stale.Content.ReadAsStringAsync());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_executor_of_another_municipality_gets_not_found_for_the_card_and_its_forms(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork);
        using var stranger = await Office.SignInAsync(app, Persona.MunBExecutor);

        var response = await stranger.Client.GetAsync($"/office/appeals/{a.Id}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Обращение не найдено", html);
        Assert.DoesNotContain(a.Number, html);
        Assert.DoesNotContain("Глубокая яма", html);

        await stranger.PageAsync("/office/my");
        var post = await stranger.PostAsync($"/office/appeals/{a.Id}", "Step", new() { ["Version"] = a.Version.ToString(), ["StepNote"] = "Чужая запись" });
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(a.Version, await VersionAsync(app, a.Id));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Overdue_appeals_are_red_in_my_list_and_listed_for_the_controller_with_the_watch_level(Engine engine)
    {
        // Moves the clock: its own app.
        await using var app = await TestApp.StartAsync(engine);
        var late = await app.AppealInAsync(AppealStatus.InWork);
        app.Clock.SetUtcNow(late.DueAtUtc.AddHours(1));
        using var executor = await Office.SignInAsync(app, Persona.MunAExecutor);
        using var controller = await Office.SignInAsync(app, Persona.MunAController);

        var list = await executor.PageAsync("/office/my");
        Assert.Matches($"<tr class=\"overdue\">\\s*<td><a href=\"/office/appeals/{late.Id}\">{late.Number}</a></td>", list);
        Assert.Contains("<span class=\"badge overdue\">Просрочено</span>", list);

        await app.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE \"Appeals\" SET \"WatchLevel\" = {(int)WatchLevel.EscalatedToController} WHERE \"Id\" = {late.Id}"));
        var overdue = await controller.PageAsync("/office/control?overdue=true");
        Assert.Contains($">{late.Number}</a>", overdue);
        Assert.Contains("Эскалировано контролёру", overdue);
        Assert.DoesNotContain($">{late.Number}</a>", await controller.PageAsync("/office/control"));
    }

    static Task<int> LoadOfAsync(TestApp app, Guid person)
    {
        var done = Appeal.Terminal.Append(AppealStatus.AnswerSent).ToArray();
        return app.WithDbAsync(db => db.Appeals.CountAsync(x => x.AssigneeId == person && !done.Contains(x.Status)));
    }

    static Task<int> VersionAsync(TestApp app, Guid id) => app.WithDbAsync(db => db.Appeals.Where(x => x.Id == id).Select(x => x.Version).SingleAsync());
}

/// <summary>A signed-in browser-like client (<see cref="FormSession"/>) posting page handlers' forms.</summary>
file sealed class Office(HttpClient client) : FormSession(client)
{
    public static new async Task<Office> SignInAsync(TestApp app, Persona persona) => new(await app.SignedInClientAsync(persona));

    public Task<string> PageAsync(string url) => GetAsync(url);

    /// <summary>Posts a form as the browser would (values may repeat, as ticked checkboxes do), with the page's antiforgery token.</summary>
    public Task<HttpResponseMessage> PostAsync(string page, string? handler, Dictionary<string, object> fields) =>
        PostAsync(handler is null ? page : $"{page}?handler={handler}",
            fields.SelectMany(f => f.Value is string[] many ? many.Select(v => new KeyValuePair<string, string>(f.Key, v)) : [new(f.Key, f.Value.ToString()!)]));
}
