using System.Net;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>The executor asks for more time through the API; the head extends or declines, on both engines.</summary>
public sealed class ExtensionRequestTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_executor_asks_the_controller_is_told_and_granting_clears_the_request(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var a = await app.SubmitAsync(Samples.Housing(r));
        a = await app.ActAsync(Persona.CentreModerator, a, "register", new { organisationId = r.MunA });
        a = await app.ActAsync(Persona.MunADispatcher, a, "assign", new { personId = r.IdOf(Persona.MunAExecutor) });
        a = await app.ActAsync(Persona.MunAExecutor, a, "start");
        var oldDue = a.DueAtUtc;

        a = await app.ActAsync(Persona.MunAExecutor, a, "extension-request", new { days = 20, reason = "Ждём заключение жилищной инспекции" });

        Assert.Equal((20, "Ждём заключение жилищной инспекции", oldDue, 0), (a.ExtensionRequestedDays, a.ExtensionRequestReason, a.DueAtUtc, a.ExtensionCount));
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((20, "Ждём заключение жилищной инспекции"), (stored.ExtensionRequestedDays, stored.ExtensionRequestReason));
        var requested = (await app.EventsAsync(a.Id))[^1];
        Assert.Equal((EventKind.ExtensionRequested, r.IdOf(Persona.MunAExecutor)), (requested.Kind, requested.ActorId!.Value));
        Assert.Equal(20, FlowChecks.DataOf(requested).GetProperty("days").GetInt32());
        var notice = await app.SingleOutboxAsync(a.Id, "appeal.extension_requested");
        Assert.Equal(r.MunA, notice.GetProperty("organisationId").GetGuid());
        Assert.Equal("controller", notice.GetProperty("role").GetString(), ignoreCase: true);
        Assert.Equal(20, notice.GetProperty("days").GetInt32());

        // One request at a time.
        await app.TryActAsync(Persona.MunAExecutor, a, "extension-request", new { days = 5, reason = "Ещё немного" })
            .ExpectProblem(HttpStatusCode.Conflict, "extension.request_pending");

        a = await app.ActAsync(Persona.MunAController, a, "extend", new { days = 15, reason = "Инспекция обещала ответ за две недели" });

        Assert.Equal((oldDue.AddDays(15), 1, (int?)null), (a.DueAtUtc, a.ExtensionCount, a.ExtensionRequestedDays));
        stored = await app.StoredAsync(a.Id);
        Assert.Equal(((int?)null, (string?)null), (stored.ExtensionRequestedDays, stored.ExtensionRequestReason));
        Assert.Equal([EventKind.ExtensionRequested, EventKind.Extended], (await app.EventKindsAsync(a.Id)).TakeLast(2));

        // 59-ФЗ: the one extension is used, so there is nothing left to ask for.
        await app.TryActAsync(Persona.MunAExecutor, a, "extension-request", new { days = 5, reason = "Инспекция не ответила" })
            .ExpectProblem(HttpStatusCode.Conflict, "extension.once");
        Assert.Single(await app.OutboxAsync(a.Id), m => m.Type == "appeal.extension_requested");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_controller_declines_and_the_executor_may_ask_again(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork);
        var oldDue = a.DueAtUtc;
        a = await app.ActAsync(Persona.MunAExecutor, a, "extension-request", new { days = 10, reason = "Нужна экспертиза покрытия" });

        a = await app.ActAsync(Persona.MunAController, a, "extension-request/decline", new { reason = "Экспертиза не нужна: есть акт осмотра" });

        Assert.Equal(((int?)null, oldDue, 0), (a.ExtensionRequestedDays, a.DueAtUtc, a.ExtensionCount));
        var declined = (await app.EventsAsync(a.Id))[^1];
        Assert.Equal((EventKind.ExtensionDeclined, app.Region.IdOf(Persona.MunAController), "Экспертиза не нужна: есть акт осмотра"),
            (declined.Kind, declined.ActorId!.Value, declined.Note));
        Assert.Null((await app.StoredAsync(a.Id)).ExtensionRequestedDays);

        // Nothing left to decline.
        await app.TryActAsync(Persona.MunAController, a, "extension-request/decline", new { reason = "Повторно" })
            .ExpectProblem(HttpStatusCode.Conflict, "extension.no_request");

        a = await app.ActAsync(Persona.MunAExecutor, a, "extension-request", new { days = 5, reason = "Подрядчик перенёс работы" });
        Assert.Equal(5, (await app.StoredAsync(a.Id)).ExtensionRequestedDays);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Bad_requests_are_refused_with_the_field_and_change_nothing(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork);

        await app.TryActAsync(Persona.MunAExecutor, a, "extension-request", new { days = 31, reason = "Экспертиза" })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "extension.days");
        await app.TryActAsync(Persona.MunAExecutor, a, "extension-request", new { reason = "Экспертиза" })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "field.required");
        await app.TryActAsync(Persona.MunAExecutor, a, "extension-request", new { days = 10 })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "field.required");
        // The controller extends; the executor only asks.
        await app.TryActAsync(Persona.MunAController, a, "extension-request", new { days = 10, reason = "Экспертиза" })
            .Expect(HttpStatusCode.Forbidden);

        var stored = await app.StoredAsync(a.Id);
        Assert.Equal(((int?)null, a.Version), (stored.ExtensionRequestedDays, stored.Version));
        Assert.DoesNotContain(await app.OutboxAsync(a.Id), m => m.Type == "appeal.extension_requested");
    }
}
