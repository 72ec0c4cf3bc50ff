using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Intake;
using Otklik.Infrastructure;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Intake;

/// <summary>
/// Intake as a use case (ADR 0018): a mail or messenger worker, Open311 or a webhook calls <see cref="SubmitAppeal"/>
/// from a scope of its own, with no HTTP request and no signed-in person, naming itself as the actor.
/// </summary>
public sealed class IntakeUseCaseTests(AppPool pool) : IClassFixture<AppPool>
{
    static IntakeApi.SubmitRequest Letter(TestRegion r, string messageId, Channel? channel = null) => new(
        AppealType.Problem, null, null, channel, messageId,
        new ApplicantInfo { Kind = ApplicantKind.Person, LastName = "Орлова", FirstName = "Анна", Email = "anna.orlova@example.ru" },
        r.CityCategory, r.HousingTopic, null, null, null, null,
        "Письмо в ящик обращений: после капитального ремонта крыши в доме 7 по ул. Мира снова течёт в подъезде.", false, false, null);

    /// <summary>Runs <paramref name="work"/> as a hosted worker does: on the thread pool, in a scope it made, outside any request.</summary>
    static Task<T> AsWorkerAsync<T>(TestApp app, Func<SubmitAppeal, Task<T>> work) => Task.Run(async () =>
    {
        await using var scope = app.Services.CreateAsyncScope();
        Assert.Null(scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext);
        return await work(scope.ServiceProvider.GetRequiredService<SubmitAppeal>());
    });

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_mailbox_worker_submits_without_an_http_request_and_the_same_letter_again_finds_the_same_appeal(Engine engine)
    {
        var app = await pool.For(engine);
        var mailbox = IntakeActor.ChannelWorker(Channel.Email, "mailbox obrashcheniya@test.example");
        var messageId = $"<CAF{Guid.NewGuid():N}@mail.example.ru>"; // as mail servers write it: angle brackets, a letter first

        var first = await AsWorkerAsync(app, intake => intake.RunAsync(Letter(app.Region, messageId), mailbox, null, CancellationToken.None));
        var again = await AsWorkerAsync(app, intake => intake.RunAsync(Letter(app.Region, messageId), mailbox, null, CancellationToken.None));

        Assert.True(first.IsNew);
        Assert.Equal((first.AppealId, false), (again.AppealId, again.IsNew));
        var appeal = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Id == first.AppealId));
        // The channel is the worker's own; no person submitted or registered it; the clock runs and the applicant is told.
        Assert.Equal((Channel.Email, messageId, AppealStatus.Moderation, (Guid?)null, (Guid?)null, LegalRegime.Obrashchenie59),
            (appeal.Channel, appeal.ChannelMessageId, appeal.Status, appeal.ApplicantUserId, appeal.RegisteredById, appeal.Regime));
        Assert.Matches(@"^2026-\d{6}$", appeal.Number);
        Assert.True(appeal.ModerationDueAtUtc > appeal.ReceivedAtUtc);
        Assert.True(await app.WithDbAsync(db => db.Outbox.AnyAsync(m => m.AppealId == appeal.Id && m.Type == "appeal.received")));
        Assert.Equal(1, await app.WithDbAsync(db => db.AppealEvents.CountAsync(e => e.AppealId == appeal.Id && e.Kind == EventKind.Received)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_channel_worker_speaks_only_for_its_own_channel_and_a_refusal_writes_nothing(Engine engine)
    {
        var app = await pool.For(engine);
        var telegram = IntakeActor.ChannelWorker(Channel.Telegram, "telegram bot");
        var messageId = $"tg-{Guid.NewGuid():N}";

        var refused = await Assert.ThrowsAsync<RuleException>(() =>
            AsWorkerAsync(app, intake => intake.RunAsync(Letter(app.Region, messageId, Channel.Hotline), telegram, null, CancellationToken.None)));
        Assert.Equal("intake.channel_forbidden", refused.Code);
        Assert.False(await app.WithDbAsync(db => db.Appeals.AnyAsync(a => a.ChannelMessageId == messageId)));

        // Without a channel named, the worker's own is taken.
        var taken = await AsWorkerAsync(app, intake => intake.RunAsync(Letter(app.Region, messageId), telegram, null, CancellationToken.None));
        Assert.Equal(Channel.Telegram, await app.WithDbAsync(db => db.Appeals.Where(a => a.Id == taken.AppealId).Select(a => a.Channel).SingleAsync()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_system_submits_with_an_idempotency_key_once_and_field_errors_come_back_as_for_the_api(Engine engine)
    {
        var app = await pool.For(engine);
        var import = IntakeActor.System("import of the old registry");
        var key = Guid.NewGuid().ToString("N");
        var request = Letter(app.Region, $"old-{key}", Channel.Paper);

        var first = await AsWorkerAsync(app, intake => intake.RunAsync(request, import, key, CancellationToken.None));
        var replay = await AsWorkerAsync(app, intake => intake.RunAsync(request, import, key, CancellationToken.None));
        Assert.Equal((first.AppealId, true, false), (replay.AppealId, first.IsNew, replay.IsNew));

        var bad = await Assert.ThrowsAsync<InputException>(() => AsWorkerAsync(app, intake =>
            intake.RunAsync(request with { Text = "коротко", ChannelMessageId = null }, import, null, CancellationToken.None)));
        Assert.True(bad.Errors.ContainsKey("text"));
    }
}
