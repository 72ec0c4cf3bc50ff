using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>
/// Real concurrency over real HTTP: many requests in flight at once against one server and one database. Each test
/// starts its own app, so the numbers and counts it checks are its own.
/// </summary>
public sealed class ConcurrencyTests
{
    const string Submit = "/api/v1/appeals";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Two_hundred_parallel_submissions_get_two_hundred_sequential_numbers(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var logged = app.ServerLog.Errors.Count;
        var applicant = app.ClientAs(Persona.Applicant);
        var other = app.ClientAs(Persona.OtherApplicant);

        var responses = await Task.WhenAll(Enumerable.Range(1, 200).Select(i =>
            (i % 2 == 0 ? applicant : other).PostJsonAsync(Submit, Samples.Pothole(app.Region, text: $"Яма № {i} на улице Ленина, машины бьют колёса."))));

        var views = new List<AppealView>();
        foreach (var response in responses)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            views.Add(await response.ReadAsync<AppealView>());
        }
        var expected = Enumerable.Range(1, 200).Select(i => $"2026-{i:D6}").ToList();
        Assert.Equal(expected, views.Select(v => v.Number).Order());
        Assert.Equal(200, views.Select(v => v.Id).Distinct().Count());

        var stored = await app.WithDbAsync(db => db.Appeals.AsNoTracking().Select(a => new { a.Id, a.Number, a.Year, a.Sequence, a.Text }).ToListAsync());
        Assert.Equal(Enumerable.Range(1, 200), stored.Where(a => a.Year == 2026).Select(a => a.Sequence).Order());
        Assert.Equal(expected, stored.Select(a => a.Number).Order());
        // Each response speaks of its own appeal: the number it shows is the one stored with that text.
        foreach (var v in views)
        {
            var row = Assert.Single(stored, a => a.Id == v.Id);
            Assert.Equal((v.Number, v.Text), (row.Number, row.Text));
        }
        Assert.Equal(200, await app.WithDbAsync(db => db.AppealCounters.Where(c => c.Year == 2026).Select(c => c.Last).SingleAsync()));
        Assert.Equal(200, await app.WithDbAsync(db => db.AppealEvents.CountAsync(e => e.Kind == EventKind.Received)));
        Assert.Equal(200, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Type == "appeal.received")));
        AssertNoServerErrors(app, logged);
    }

    /// <summary>
    /// Group commit (ADR 0014): submissions that wait while a batch is written go together into the next one — one number
    /// range, one transaction. One of them failing at the write (its file taken by its neighbour) rolls the batch back,
    /// and each is written again alone: the others are accepted, the bad one alone is refused, and no number is lost.
    /// </summary>
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Waiting_submissions_are_written_in_one_batch_and_a_bad_one_fails_alone(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var logged = app.ServerLog.Errors.Count;
        var writer = app.Services.GetRequiredService<Otklik.Features.Intake.IntakeWriter>();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var threeWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batches = 0;
        writer.BeforeBatch = async () =>
        {
            if (Interlocked.Increment(ref batches) > 1) return;
            entered.TrySetResult();
            await release.Task;
        };
        writer.Queued = waiting => { if (waiting == 3) threeWaiting.TrySetResult(); };
        var applicant = app.ClientAs(Persona.Applicant);
        var photo = await AttachmentTests.UploadAsync(app, Persona.Applicant, AttachmentTests.Png(4, 3), "яма.png", "image/png");
        var written = writer.Written;

        var first = applicant.PostJsonAsync(Submit, Samples.Pothole(app.Region, text: "Первая: яма у остановки, машины бьют колёса."));
        await entered.Task;
        var withPhoto = Enumerable.Range(1, 2).Select(i => applicant.PostJsonAsync(Submit,
            Samples.Pothole(app.Region, text: $"С фотографией № {i}: яма у школы, машины бьют колёса.").With("attachmentIds", new[] { photo.Id }))).ToList();
        var plain = applicant.PostJsonAsync(Submit, Samples.Pothole(app.Region, text: "Без фотографии: яма у почты, машины бьют колёса."));
        await threeWaiting.Task;
        release.TrySetResult();

        Assert.Equal(HttpStatusCode.Created, (await first).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await plain).StatusCode);
        var photoAnswers = await Task.WhenAll(withPhoto);
        Assert.Single(photoAnswers, r => r.StatusCode == HttpStatusCode.Created);
        await Task.FromResult(Assert.Single(photoAnswers, r => r.StatusCode != HttpStatusCode.Created)).ExpectProblem(HttpStatusCode.UnprocessableEntity, "attachments.unknown");

        // The batch of three was rolled back and its two good submissions written one by one: numbers 1 to 3, no gap.
        var stored = await app.WithDbAsync(db => db.Appeals.AsNoTracking().OrderBy(a => a.Sequence).Select(a => new { a.Id, a.Number }).ToListAsync());
        Assert.Equal(["2026-000001", "2026-000002", "2026-000003"], stored.Select(a => a.Number));
        Assert.Equal(3, await app.WithDbAsync(db => db.AppealCounters.Where(c => c.Year == 2026).Select(c => c.Last).SingleAsync()));
        Assert.Single(await app.WithDbAsync(db => db.Attachments.Where(a => a.Id == photo.Id && a.AppealId != null).ToListAsync()));
        Assert.Equal(3, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Type == "appeal.received")));
        Assert.Equal(3, writer.Written - written);

        // Three more waiting together with nothing wrong: one batch of three.
        var before = (writer.Batches, writer.Written);
        entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        threeWaiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
        batches = 0;
        var holder = applicant.PostJsonAsync(Submit, Samples.Pothole(app.Region, text: "Четвёртая: яма у рынка, машины бьют колёса."));
        await entered.Task;
        var together = Enumerable.Range(1, 3).Select(i => applicant.PostJsonAsync(Submit,
            Samples.Pothole(app.Region, text: $"Вместе № {i}: яма у парка, машины бьют колёса."))).ToList();
        await threeWaiting.Task;
        release.TrySetResult();
        Assert.Equal(HttpStatusCode.Created, (await holder).StatusCode);
        foreach (var r in await Task.WhenAll(together)) Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.Equal((before.Batches + 2, before.Written + 4), (writer.Batches, writer.Written));
        Assert.Equal(7, await app.WithDbAsync(db => db.AppealCounters.Where(c => c.Year == 2026).Select(c => c.Last).SingleAsync()));
        AssertNoServerErrors(app, logged);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Fifty_parallel_retries_of_one_idempotency_key_make_one_appeal(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var logged = app.ServerLog.Errors.Count;
        var client = app.ClientAs(Persona.Applicant);
        var body = JsonSerializer.Serialize(Samples.Pothole(app.Region), HttpExtensions.Options);
        var key = $"retry-{Guid.NewGuid():N}";

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, Submit) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", key);
            return client.SendAsync(request);
        }));

        var views = new List<AppealView>();
        foreach (var response in responses)
        {
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            views.Add(await response.ReadAsync<AppealView>());
        }
        // The one that made the appeal says Created; every retry is answered with that same appeal.
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Single(views.Select(v => (v.Id, v.Number)).Distinct());
        Assert.Equal("2026-000001", views[0].Number);

        Assert.Equal(1, await app.WithDbAsync(db => db.Appeals.CountAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.AppealEvents.CountAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.Outbox.CountAsync()));
        // The losers' numbers were rolled back with their transactions: the next appeal is number 2.
        Assert.Equal(1, await app.WithDbAsync(db => db.AppealCounters.Where(c => c.Year == 2026).Select(c => c.Last).SingleAsync()));
        Assert.Equal("2026-000002", (await app.SubmitAsync()).Number);
        AssertNoServerErrors(app, logged);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task One_channel_message_sent_twenty_times_at_once_makes_one_appeal(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var logged = app.ServerLog.Errors.Count;
        var integration = app.ClientAs(Persona.CentreOperator);
        var body = JsonSerializer.Serialize(Samples.Pothole(app.Region)
            .With("channel", "socialNetwork").With("channelMessageId", "vk-wall-123_4567").With("regime", "socialIncident")
            .With("applicant", new Dictionary<string, object?> { ["kind"] = "anonymous" }).With("isPublic", false).With("publicationConsent", false),
            HttpExtensions.Options);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            integration.PostAsync(Submit, new StringContent(body, Encoding.UTF8, "application/json"))));

        var views = new List<AppealView>();
        foreach (var response in responses)
        {
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            views.Add(await response.ReadAsync<AppealView>());
        }
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        var appeal = Assert.Single(views.Select(v => (v.Id, v.Number, v.Channel, v.ChannelMessageId, v.Regime)).Distinct());
        Assert.Equal((Channel.SocialNetwork, "vk-wall-123_4567", LegalRegime.SocialIncident), (appeal.Channel, appeal.ChannelMessageId, appeal.Regime));

        Assert.Equal(1, await app.WithDbAsync(db => db.Appeals.CountAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.AppealEvents.CountAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.Outbox.CountAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.AppealCounters.Where(c => c.Year == 2026).Select(c => c.Last).SingleAsync()));
        AssertNoServerErrors(app, logged);
    }

    /// <summary>Two changes of one appeal, both made on the version the staff saw.</summary>
    sealed record Race(AppealStatus Start, Persona FirstWho, string FirstAction, object FirstBody, AppealStatus FirstLeadsTo,
        Persona SecondWho, string SecondAction, object SecondBody, AppealStatus SecondLeadsTo);

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Two_staff_changing_one_appeal_at_once_one_wins_and_the_other_gets_409(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var logged = app.ServerLog.Errors.Count;
        var r = app.Region;
        Race[] races =
        [
            // One moderator's two tabs: reject, and ask the applicant a question.
            new(AppealStatus.Moderation, Persona.CentreModerator, "reject", new { ground = "spamOrAds" }, AppealStatus.Rejected,
                Persona.CentreModerator, "clarification-request", new { question = "Уточните номер дома." }, AppealStatus.Clarification),
            // The dispatcher assigns while the controller ends the appeal without an answer.
            new(AppealStatus.Registered, Persona.MunADispatcher, "assign", new { personId = r.IdOf(Persona.MunAExecutor) }, AppealStatus.Assigned,
                Persona.MunAController, "leave-without-answer", new { ground = "obsceneOrThreats" }, AppealStatus.LeftWithoutAnswer),
            // A double click: the same rejection sent twice.
            new(AppealStatus.Moderation, Persona.CentreModerator, "reject", new { ground = "offTopic" }, AppealStatus.Rejected,
                Persona.CentreModerator, "reject", new { ground = "offTopic" }, AppealStatus.Rejected),
        ];

        for (var round = 0; round < 12; round++)
        {
            var race = races[round % races.Length];
            var a = await app.AppealInAsync(race.Start);
            var eventsBefore = await app.WithDbAsync(db => db.AppealEvents.CountAsync(e => e.AppealId == a.Id));

            var responses = await Task.WhenAll(
                app.ClientAs(race.FirstWho).PostJsonAsync($"{Submit}/{a.Id}/{race.FirstAction}", WithVersion(race.FirstBody, a.Version)),
                app.ClientAs(race.SecondWho).PostJsonAsync($"{Submit}/{a.Id}/{race.SecondAction}", WithVersion(race.SecondBody, a.Version)));

            var what = $"round {round}, {race.FirstAction} vs {race.SecondAction}: " + string.Join(" | ",
                await Task.WhenAll(responses.Select(async x => $"{(int)x.StatusCode} {Shorten(await x.Content.ReadAsStringAsync())}")))
                + "\n" + string.Join("\n", app.ServerLog.Errors.Skip(logged).Take(2));
            Assert.True(responses.Count(x => x.StatusCode == HttpStatusCode.OK) == 1, what);
            var loser = Assert.Single(responses, x => x.StatusCode != HttpStatusCode.OK);
            Assert.True(loser.StatusCode == HttpStatusCode.Conflict, what);
            var problem = await loser.ProblemAsync();
            Assert.Equal("concurrency.stale_version", problem.GetProperty("code").GetString());

            var winner = await responses.Single(x => x.StatusCode == HttpStatusCode.OK).ReadAsync<AppealView>();
            var firstWon = responses[0].StatusCode == HttpStatusCode.OK;
            Assert.Equal(firstWon ? race.FirstLeadsTo : race.SecondLeadsTo, winner.Status);
            Assert.Equal(a.Version + 1, winner.Version);

            var stored = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id));
            Assert.Equal((winner.Status, winner.Version), (stored.Status, stored.Version));
            var events = await app.WithDbAsync(db => db.AppealEvents.Where(e => e.AppealId == a.Id).OrderBy(e => e.Sequence).ToListAsync());
            Assert.True(events.Count == eventsBefore + 1, $"{what}\nhistory: {string.Join(", ", events.Select(e => e.Kind))}");
            Assert.Equal(winner.Version, events[^1].Sequence);
        }
        AssertNoServerErrors(app, logged);
    }

    static Dictionary<string, object?> WithVersion(object body, int version)
    {
        var payload = new Dictionary<string, object?> { ["version"] = version };
        foreach (var p in body.GetType().GetProperties()) payload[p.Name] = p.GetValue(body);
        return payload;
    }

    static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "…";

    /// <summary>A race lost is an answer, not a failure: nothing may be logged as an error once the app has started.</summary>
    static void AssertNoServerErrors(TestApp app, int loggedAtStart) =>
        Assert.True(app.ServerLog.Errors.Count == loggedAtStart,
            "The server logged errors:\n" + string.Join("\n", app.ServerLog.Errors.Skip(loggedAtStart).Take(3)));
}
