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

/// <summary>The executor asks for more time on the card; the head sees the request in the control queue and on the card.</summary>
public sealed class ExtensionRequestPagesTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_executor_requests_on_the_card_and_the_controller_grants_it(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork);
        var card = $"/office/appeals/{a.Id}";
        using var executor = await Desk.SignInAsync(app, Persona.MunAExecutor);
        using var controller = await Desk.SignInAsync(app, Persona.MunAController);

        var html = await executor.PageAsync(card);
        Assert.Contains("handler=RequestExtension", html);
        Assert.DoesNotContain("handler=Extend\"", html);

        // No reason: refused next to the field, the days typed are kept, nothing stored.
        var refused = await executor.PostAsync(card, "RequestExtension", new() { ["Version"] = a.Version.ToString(), ["RequestDays"] = "12" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("id=\"request-reason-error\" class=\"field-error\" role=\"alert\"", html);
        Assert.Contains("name=\"RequestDays\" min=\"1\" max=\"30\" value=\"12\"", html);
        Assert.Null((await app.StoredAsync(a.Id)).ExtensionRequestedDays);

        var asked = await executor.PostAsync(card, "RequestExtension", new()
        {
            ["Version"] = a.Version.ToString(), ["RequestDays"] = "12", ["RequestReason"] = "Ждём заключение экспертизы покрытия",
        });
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        Assert.Equal($"{card}?done=extension-request", asked.Headers.Location?.OriginalString);
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((12, "Ждём заключение экспертизы покрытия"), (stored.ExtensionRequestedDays, stored.ExtensionRequestReason));
        html = await executor.PageAsync($"{card}?done=extension-request");
        Assert.Contains("Запрос на продление срока направлен руководителю.", html);
        Assert.DoesNotContain("handler=RequestExtension", html);

        // The head finds it among the requests of the organisations under control…
        var queue = await controller.PageAsync("/office/control?requests=true");
        Assert.Contains($"<a href=\"/office/appeals/{a.Id}\">{a.Number}</a>", queue);
        Assert.Contains("Просят продлить на 12 дн.: Ждём заключение экспертизы покрытия", queue);
        Assert.DoesNotContain($">{a.Number}</a>", await controller.PageAsync("/office/control"));

        // …and on the card: who asked, for how long, why; the extension form is filled with the days asked for.
        html = await controller.PageAsync(card);
        Assert.Contains("Исполнитель Тестов12 MunAExecutor просит продлить срок на 12 дн.", html);
        Assert.Contains("Обоснование: Ждём заключение экспертизы покрытия", html);
        Assert.Contains("name=\"ExtendDays\" min=\"1\" max=\"30\" value=\"12\"", html);
        Assert.Contains("handler=DeclineExtension", html);

        var granted = await controller.PostAsync(card, "Extend", new()
        {
            ["Version"] = stored.Version.ToString(), ["ExtendDays"] = "12", ["ExtendReason"] = "Экспертиза назначена, нужно время",
        });
        Assert.Equal(HttpStatusCode.Redirect, granted.StatusCode);

        stored = await app.StoredAsync(a.Id);
        Assert.Equal(a.AnswerDueDate!.Value.AddDays(12), stored.AnswerDueDate);
        Assert.Equal((1, (int?)null), (stored.ExtensionCount, stored.ExtensionRequestedDays));
        Assert.Equal([EventKind.ExtensionRequested, EventKind.Extended], (await app.EventKindsAsync(a.Id)).TakeLast(2));
        Assert.DoesNotContain($">{a.Number}</a>", await controller.PageAsync("/office/control?requests=true"));
        html = await executor.PageAsync(card);
        Assert.Contains("Исполнитель запросил продление срока", html);
        // A platform message (not 59-ФЗ) may be extended again: the executor is offered the form once more.
        Assert.Equal(LegalRegime.PlatformMessage, a.Regime);
        Assert.Contains("handler=RequestExtension", html);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_controller_declines_the_request_on_the_card(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork);
        a = await app.ActAsync(Persona.MunAExecutor, a, "extension-request", new { days = 7, reason = "Подрядчик задерживает работы" });
        var card = $"/office/appeals/{a.Id}";
        using var controller = await Desk.SignInAsync(app, Persona.MunAController);
        await controller.PageAsync(card);

        var refused = await controller.PostAsync(card, "DeclineExtension", new() { ["Version"] = a.Version.ToString() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("id=\"decline-reason-error\" class=\"field-error\"", await refused.Content.ReadAsStringAsync());

        var declined = await controller.PostAsync(card, "DeclineExtension", new() { ["Version"] = a.Version.ToString(), ["DeclineReason"] = "Работы можно завершить в срок" });
        Assert.Equal(HttpStatusCode.Redirect, declined.StatusCode);
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal(((int?)null, 0, a.DueAtUtc), (stored.ExtensionRequestedDays, stored.ExtensionCount, stored.DueAtUtc));
        var last = (await app.EventsAsync(a.Id))[^1];
        Assert.Equal((EventKind.ExtensionDeclined, "Работы можно завершить в срок"), (last.Kind, last.Note));
        Assert.Contains("В продлении срока отказано", await controller.PageAsync(card));
    }
}

/// <summary>A browser-like client: signed in with the session cookie, it reads the antiforgery token from the last page it got.</summary>
file sealed class Desk(HttpClient client) : FormSession(client)
{
    public static new async Task<Desk> SignInAsync(TestApp app, Persona persona) => new(await app.SignedInClientAsync(persona));

    public Task<string> PageAsync(string url) => GetAsync(url);

    public Task<HttpResponseMessage> PostAsync(string page, string handler, Dictionary<string, string> fields) =>
        PostAsync($"{page}?handler={handler}", fields);
}
