using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Mail;
using Otklik.Features.Moderation;
using Otklik.Tests.Api;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Roadmaps;

namespace Otklik.Tests.Portal;

/// <summary>
/// The applicant is told at every step that concerns them: each change made through the API or a page, then the letter
/// read back from the real SMTP sink — its recipient, subject, the organisation's local date and what it says.
/// </summary>
public sealed class ApplicantLettersTests(AppPool pool) : IClassFixture<AppPool>
{
    static readonly TimeZoneInfo Yekaterinburg = TimeZoneInfo.FindSystemTimeZoneById("Asia/Yekaterinburg");

    /// <summary>20:30 UTC on Monday is already 01:30 on Tuesday in the test region (+05): a UTC-dated letter would say the 23rd.</summary>
    static readonly DateTimeOffset LateEvening = new(2026, 11, 23, 20, 30, 0, TimeSpan.Zero);

    static Dictionary<string, object?> PotholeFor(TestApp app, string email) => Samples.Pothole(app.Region).With("applicant",
        new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "Иванова", ["firstName"] = "Мария", ["email"] = email });

    static async Task<MimeMessage> LetterAsync(TestApp app, string to, string subject, int nth = 1)
    {
        await app.DispatchMailAsync();
        await app.Mail.WaitForAsync(to, m => m.Subject == subject && app.Mail.To(to).Count(x => x.Subject == subject) >= nth);
        var letter = app.Mail.To(to).Where(m => m.Subject == subject).OrderBy(m => m.Date).ElementAt(nth - 1);
        Assert.Equal(to, Assert.Single(letter.To.Mailboxes).Address);
        Assert.StartsWith("Здравствуйте, Мария!", letter.TextOf());
        return letter;
    }

    /// <summary>Signed and dated with the organisation's wall clock, not with UTC.</summary>
    static void DatedLocally(MimeMessage letter, DateTimeOffset utc)
    {
        var local = TimeZoneInfo.ConvertTime(utc, Yekaterinburg);
        Assert.Contains(MailComposer.LongDate(local), letter.TextOf());
        Assert.Equal((local.DateTime, TimeSpan.FromHours(5)), (letter.Date.DateTime, letter.Date.Offset));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_applicant_gets_a_letter_at_every_step_from_receipt_to_closing(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        app.Clock.SetUtcNow(LateEvening);
        var to = MailBox.NewAddress("maria");

        var a = await app.SubmitAsync(PotholeFor(app, to));
        var received = await LetterAsync(app, to, $"Обращение № {a.Number} принято");
        DatedLocally(received, LateEvening);
        Assert.Contains("24 ноября 2026 г.", received.TextOf());
        Assert.Contains($"/my/{a.Number}", received.TextOf());

        a = await app.ActAsync(Persona.CentreModerator, a, "register");
        var registered = await LetterAsync(app, to, $"Обращение № {a.Number} зарегистрировано");
        Assert.Contains($"Ответ будет дан не позднее {MailComposer.Date(a.AnswerDueDate!.Value)}", registered.TextOf());
        Assert.Contains("Администрация города А", registered.TextOf());

        a = await app.ActAsync(Persona.MunADispatcher, a, "assign", new { personId = app.Region.IdOf(Persona.MunAExecutor) });
        a = await app.ActAsync(Persona.MunAExecutor, a, "start");
        a = await app.ActAsync(Persona.MunAController, a, "extend", new { days = 10, reason = "Нужна экспертиза дорожного покрытия." });
        var extended = await LetterAsync(app, to, $"Срок ответа на обращение № {a.Number} продлён");
        Assert.Contains($"продлён до {MailComposer.Date(a.AnswerDueDate!.Value)}", extended.TextOf());
        Assert.Contains("Причина: Нужна экспертиза дорожного покрытия.", extended.TextOf());

        var pdf = AnswerAttachmentTests.Pdf("Акт");
        var act = await AnswerAttachmentTests.UploadAsync(app, Persona.MunAExecutor, pdf, "акт.pdf");
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer",
            new { text = "Яма заделана 25 ноября, акт прилагаем.", result = "supportedMeasuresTaken", attachmentIds = new[] { act.Id } });
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer/submit");
        a = await app.ActAsync(Persona.MunAController, a, "answer/approve");
        var answered = await LetterAsync(app, to, $"Ответ на обращение № {a.Number}");
        Assert.Contains("Яма заделана 25 ноября, акт прилагаем.", answered.TextOf());
        var file = Assert.Single(answered.Attachments.OfType<MimePart>());
        Assert.Equal(("акт.pdf", "application/pdf"), (file.FileName, file.ContentType.MimeType));
        using (var bytes = new MemoryStream())
        {
            await file.Content!.DecodeToAsync(bytes);
            Assert.Equal(pdf, bytes.ToArray());
        }

        a = await app.ActAsync(Persona.Applicant, a, "rate", new { score = 1, comment = "Яма на месте." });
        var reopened = await LetterAsync(app, to, $"Обращение № {a.Number} рассматривается повторно");
        Assert.Contains("на 1 из 5", reopened.TextOf());
        Assert.Contains($"не позднее {MailComposer.Date(a.AnswerDueDate!.Value)}", reopened.TextOf());

        app.Clock.Advance(TimeSpan.FromHours(1));
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer", new { text = "Яма заделана повторно 30 ноября.", result = "supportedMeasuresTaken" });
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer/submit");
        a = await app.ActAsync(Persona.MunAController, a, "answer/approve");
        Assert.Contains("Яма заделана повторно 30 ноября.", (await LetterAsync(app, to, $"Ответ на обращение № {a.Number}", nth: 2)).TextOf());
        a = await app.ActAsync(Persona.Applicant, a, "rate", new { score = 5 });
        var closed = await LetterAsync(app, to, $"Рассмотрение обращения № {a.Number} завершено");
        Assert.Contains("Спасибо за оценку ответа: 5 из 5.", closed.TextOf());
        DatedLocally(closed, app.Clock.GetUtcNow());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_applicant_is_told_each_outcome_without_an_answer_on_the_merits_with_its_ground(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        app.Clock.SetUtcNow(LateEvening);

        async Task<(AppealView, MimeMessage)> Outcome(AppealStatus status, Func<AppealView, string> subject)
        {
            var to = MailBox.NewAddress("maria");
            var a = await app.AppealInAsync(status, PotholeFor(app, to));
            var letter = await LetterAsync(app, to, subject(a));
            DatedLocally(letter, LateEvening);
            return (a, letter);
        }

        var (_, left) = await Outcome(AppealStatus.LeftWithoutAnswer, a => $"Обращение № {a.Number} оставлено без ответа");
        Assert.Contains("59-ФЗ", left.TextOf());
        Assert.Contains("Основание: нецензурные или оскорбительные выражения, угрозы.", left.TextOf());

        var (_, returned) = await Outcome(AppealStatus.Returned, a => $"Обращение № {a.Number} возвращено");
        Assert.Contains("обжалуется судебное решение", returned.TextOf());
        Assert.Contains("Пояснение: Обжалуется решение суда", returned.TextOf());

        var (_, stopped) = await Outcome(AppealStatus.CorrespondenceStopped, a => $"Переписка по обращению № {a.Number} прекращена");
        Assert.Contains("ч. 5 ст. 11", stopped.TextOf());
        Assert.Contains("Решение: Ответ дан трижды", stopped.TextOf());

        var (_, rejected) = await Outcome(AppealStatus.Rejected, a => $"Обращение № {a.Number} отклонено");
        Assert.Contains("Причина: Реклама, спам или сведения, не относящиеся к делу.", rejected.TextOf());

        var (_, redirected) = await Outcome(AppealStatus.Redirected, a => $"Обращение № {a.Number} переадресовано");
        Assert.Contains("направлено по компетенции: УФНС по Тестовой области.", redirected.TextOf());
        Assert.Contains("Причина: Вопрос налогового контроля", redirected.TextOf());

        var original = await app.SubmitAsync();
        var to2 = MailBox.NewAddress("maria");
        var twin = await app.SubmitAsync(PotholeFor(app, to2));
        twin = await app.ActAsync(Persona.CentreModerator, twin, "merge", new { targetAppealId = original.Id });
        var merged = await LetterAsync(app, to2, $"Обращение № {twin.Number} объединено с № {original.Number}");
        Assert.Contains($"повторяет обращение № {original.Number}", merged.TextOf());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_clarification_question_arrives_is_answered_on_my_and_the_moderation_clock_resumes(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        var to = MailBox.NewAddress("maria");
        var a = await app.SubmitAsync(PotholeFor(app, to));
        a = await app.ActAsync(Persona.CentreModerator, a, "clarification-request", new { question = "Уточните, пожалуйста, номер подъезда." });

        var letter = await LetterAsync(app, to, $"Уточните, пожалуйста, обращение № {a.Number}");
        Assert.Contains("«Уточните, пожалуйста, номер подъезда.»", letter.TextOf());
        Assert.Contains(app.Services.GetRequiredService<Otklik.Infrastructure.PublicUrl>().Link($"/my/{a.Number}"), letter.TextOf());
        Assert.Contains($"до {MailComposer.Local(a.ClarificationDueAtUtc!.Value, Yekaterinburg)}", letter.TextOf());
        Assert.Equal("appeal.clarification_requested", letter.Headers["X-Otklik-Type"]);

        // The applicant follows the link, answers on /my; the appeal goes back to moderation with a new 48 hours.
        app.Clock.Advance(TimeSpan.FromDays(1));
        var answeredAt = app.Clock.GetUtcNow().UtcDateTime;
        using var me = await PortalSession.SignedInAsync(app, Persona.Applicant);
        var page = await me.GetAsync($"/my/{a.Number}");
        Assert.Contains("Уточните, пожалуйста, номер подъезда.", page);
        Assert.Contains("Вопрос для уточнения", page);
        var posted = await me.PostAsync($"/my/{a.Number}?handler=clarify", [new("Version", a.Version.ToString()), new("Clarification", "Второй подъезд.")]);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);

        var stored = await app.StoredAsync(a.Id);
        Assert.Equal(AppealStatus.Moderation, stored.Status);
        Assert.Equal(answeredAt.AddHours(48), stored.ModerationDueAtUtc);
        Assert.Equal(answeredAt.AddHours(48), stored.DueAtUtc);

        // The timeline on /my tells what the applicant was told, and when.
        var after = await me.GetAsync($"/my/{a.Number}");
        Assert.Contains("Что вам сообщили", after);
        Assert.Contains("Обращение принято", after);
        Assert.Contains("отправлено на " + to, after);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Silence_does_not_reject_an_appeal_whose_clarification_question_was_not_delivered(Engine engine)
    {
        // The mail server is down: the question cannot be sent.
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?>
        {
            ["Otklik:Mail:Host"] = "127.0.0.1", ["Otklik:Mail:Port"] = "1",
        });
        var a = await app.AppealInAsync(AppealStatus.Clarification);
        var failed = await app.DispatchMailAsync();
        Assert.True(failed.Failed > 0);

        app.Clock.SetUtcNow(new DateTimeOffset(a.ClarificationDueAtUtc!.Value.AddDays(1), TimeSpan.Zero));
        Assert.Equal(0, await SweepAsync(app));
        var waiting = await app.StoredAsync(a.Id);
        Assert.Equal((AppealStatus.Clarification, a.Version), (waiting.Status, waiting.Version));
        Assert.DoesNotContain(await app.OutboxAsync(a.Id), m => m.Type == "appeal.rejected");

        // Delivered late (the server is back): the applicant has the full three days from delivery.
        var deliveredAt = app.Clock.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(db => db.Outbox.Where(m => m.AppealId == a.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAtUtc, deliveredAt).SetProperty(m => m.LastError, (string?)null)));
        app.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await SweepAsync(app));
        app.Clock.SetUtcNow(new DateTimeOffset(deliveredAt + (a.ClarificationDueAtUtc!.Value - TestApp.Start.UtcDateTime), TimeSpan.Zero));
        Assert.Equal(1, await SweepAsync(app));
        Assert.Equal(AppealStatus.Rejected, (await app.StoredAsync(a.Id)).Status);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_hotline_callers_question_without_an_email_is_not_delivered_and_silence_does_not_reject(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var body = Samples.Pothole(app.Region).With("channel", "hotline").With("applicant",
            new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "Петров", ["firstName"] = "Иван", ["phone"] = "+7 343 123-45-67" });
        var a = await app.SubmitAsync(body, Persona.CentreOperator);
        var askedAt = app.Clock.GetUtcNow().UtcDateTime;
        a = await app.ActAsync(Persona.CentreModerator, a, "clarification-request", new { question = "Уточните номер дома." });
        await app.DispatchMailAsync();
        var asked = await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.AppealId == a.Id && m.Type == "appeal.clarification_requested"));
        Assert.Equal("У заявителя нет адреса электронной почты.", asked.LastError);

        app.Clock.SetUtcNow(new DateTimeOffset(a.ClarificationDueAtUtc!.Value.AddDays(5), TimeSpan.Zero));
        Assert.Equal(0, await SweepAsync(app));
        Assert.Equal(AppealStatus.Clarification, (await app.StoredAsync(a.Id)).Status);

        // The moderator sees that the question has not reached the applicant, and where to record that it has.
        using (var moderator = await Workspace.Office.SignInAsync(app, Persona.CentreModerator))
        {
            var review = await moderator.HtmlAsync($"/office/moderation/{a.Id}");
            Assert.Contains("Вопрос ещё не дошёл до заявителя", review);
            Assert.Contains("Отметить, что вопрос передан", review);
        }

        // The moderator calls the applicant and records it: from then the three days run.
        var window = a.ClarificationDueAtUtc!.Value - askedAt;
        var calledAt = app.Clock.GetUtcNow().UtcDateTime;
        a = await app.GetAsync(a.Id);
        a = await app.ActAsync(Persona.CentreModerator, a, "clarification-delivered", new { how = "Вопрос передан по телефону +7 343 123-45-67." });
        Assert.Equal(EventKind.ClarificationDelivered, (await app.EventsAsync(a.Id))[^1].Kind);
        app.Clock.SetUtcNow(new DateTimeOffset(calledAt + window - TimeSpan.FromSeconds(1), TimeSpan.Zero));
        Assert.Equal(0, await SweepAsync(app));
        app.Clock.SetUtcNow(new DateTimeOffset(calledAt + window, TimeSpan.Zero));
        Assert.Equal(1, await SweepAsync(app));
        Assert.Equal(AppealStatus.Rejected, (await app.StoredAsync(a.Id)).Status);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_hotline_caller_without_email_gets_the_answer_as_a_printable_letter_with_its_outgoing_number(Engine engine)
    {
        var app = await pool.For(engine);
        var body = Samples.Pothole(app.Region).With("channel", "hotline").With("applicant", new Dictionary<string, object?>
        {
            ["kind"] = "person", ["lastName"] = "Петров", ["firstName"] = "Иван", ["middleName"] = "Сергеевич",
            ["phone"] = "+7 343 123-45-67", ["postalAddress"] = "620000, г. А, ул. Мира, 5, кв. 3",
        });
        var a = await app.SubmitAsync(body, Persona.CentreOperator);
        a = await app.ActAsync(Persona.CentreModerator, a, "register");
        a = await app.ActAsync(Persona.MunADispatcher, a, "assign", new { personId = app.Region.IdOf(Persona.MunAExecutor) });
        a = await app.ActAsync(Persona.MunAExecutor, a, "start");
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer", new { text = "Уважаемый Иван Сергеевич! Яма у дома 10 заделана 25 ноября.", result = "supportedMeasuresTaken" });
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer/submit");
        a = await app.ActAsync(Persona.MunAController, a, "answer/approve");

        using var staff = await Workspace.Office.SignInAsync(app, Persona.MunAController);
        var card = await (await staff.GetAsync($"/office/appeals/{a.Id}")).Content.ReadAsStringAsync();
        Assert.Contains("Письмо с ответом для отправки почтой (PDF)", card);
        Assert.Contains("у заявителя нет электронной почты", card);
        var response = await staff.GetAsync($"/office/appeals/{a.Id}?handler=letter");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        // Kept for a person to look at, as the browser tests keep their screenshots.
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root.Parent is not null && !File.Exists(Path.Combine(root.FullName, "Otklik.slnx"))) root = root.Parent;
        Directory.CreateDirectory(Path.Combine(root.FullName, "artifacts", "letters"));
        await File.WriteAllBytesAsync(Path.Combine(root.FullName, "artifacts", "letters", $"answer-letter-{engine.ToString().ToLowerInvariant()}.pdf"), bytes);

        using var pdf = UglyToad.PdfPig.PdfDocument.Open(bytes);
        var text = string.Join("\n", pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
        var answeredOn = TimeZoneInfo.ConvertTimeFromUtc(app.Clock.GetUtcNow().UtcDateTime, Yekaterinburg).ToString("dd.MM.yyyy");
        Assert.Contains("АДМИНИСТРАЦИЯ ГОРОДА А", text);
        Assert.Contains($"Исх. № {a.Number}/1 от {answeredOn}", text);
        Assert.Contains($"На № {a.Number}", text);
        Assert.Contains("Петров Иван Сергеевич", text);
        Assert.Contains("620000, г. А, ул. Мира, 5, кв. 3", text);
        Assert.Contains("Яма у дома 10 заделана 25 ноября.", text);
        // The Cyrillic is drawn with the embedded TrueType font, not a base font without those glyphs.
        var fonts = pdf.GetPages().SelectMany(p => p.Letters).Select(l => l.FontName).Distinct().ToList();
        Assert.All(fonts, f => Assert.Contains("DejaVu Sans", f));

        // Someone who does not see the appeal gets nothing.
        using var other = await Workspace.Office.SignInAsync(app, Persona.MunBController);
        Assert.NotEqual(HttpStatusCode.OK, (await other.GetAsync($"/office/appeals/{a.Id}?handler=letter")).StatusCode);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_complaints_applicant_is_told_of_the_executors_request_the_roadmap_and_the_hq_decision(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var to = MailBox.NewAddress("maria");
        var a = await app.SubmitAsync(Samples.Housing(r).With("applicant", new Dictionary<string, object?>
        {
            ["kind"] = "person", ["lastName"] = "Иванова", ["firstName"] = "Мария", ["email"] = to, ["postalAddress"] = "620000, г. А, ул. Мира, 5, кв. 3",
        }));
        a = await app.ActAsync(Persona.CentreModerator, a, "route", new { organisationId = r.MunA });
        a = await app.ActAsync(Persona.CentreModerator, a, "register");
        a = await app.ActAsync(Persona.MunADispatcher, a, "assign", new { personId = r.IdOf(Persona.MunAExecutor) });
        a = await app.ActAsync(Persona.MunAExecutor, a, "start");

        a = await app.ActAsync(Persona.MunAExecutor, a, "pause", new { request = "Пришлите, пожалуйста, фотографию протечки." });
        var asked = await LetterAsync(app, to, $"Нужно уточнение по обращению № {a.Number}");
        Assert.Contains("«Пришлите, пожалуйста, фотографию протечки.»", asked.TextOf());
        Assert.Contains($"/my/{a.Number}", asked.TextOf());
        a = await app.ActAsync(Persona.Applicant, a, "resume", new { note = "Фотографию приложила." });

        await app.RoadmapAsync(Persona.MunAExecutor, a.Id, "roadmap/steps",
            new { title = "Выйти на объект с подрядчиком и составить акт", ownerOrganisationId = r.MunA, policy = "working-days:2" });
        await app.RoadmapAsync(Persona.MunAController, a.Id, "roadmap/approve");
        var approved = await LetterAsync(app, to, $"Утверждена дорожная карта по жалобе № {a.Number}");
        Assert.Contains("план мероприятий с ответственными и сроками", approved.TextOf());

        await app.RoadmapCallAsync(Persona.MunAController, a.Id, "hq",
            await Roadmaps.RoadmapScenario.WithVersionAsync(app, a.Id, new { reason = "Подрядчик срывает сроки." })).Expect(HttpStatusCode.OK);
        await app.RoadmapCallAsync(Persona.HqMember, a.Id, "hq/decisions", await Roadmaps.RoadmapScenario.WithVersionAsync(app, a.Id, new
        {
            date = "2026-11-23", dueDate = "2026-12-04", text = "Администрации города Б выдать ордер на работы.", organisationIds = new[] { r.MunB },
        })).Expect(HttpStatusCode.OK);
        var decided = await LetterAsync(app, to, $"Штаб принял решение по жалобе № {a.Number}");
        Assert.Contains($"рассмотрел вашу жалобу № {a.Number} на заседании 23.11.2026 и принял решение", decided.TextOf());
        DatedLocally(decided, app.Clock.GetUtcNow());
    }

    static async Task<int> SweepAsync(TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await ClarificationSweep.RunOnceAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(),
            app.Clock.GetUtcNow().UtcDateTime, CancellationToken.None);
    }
}
