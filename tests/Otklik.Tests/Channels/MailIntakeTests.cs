using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Channels;
using Otklik.Features.Intake;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Channels;

/// <summary>
/// E-mail intake (issue 18 item 1, ADR 0020) against a real postfix and dovecot: letters sent through SMTP or put into the
/// mailbox over IMAP are read by the app's own <see cref="MailboxReader"/>, as the background job reads them.
/// </summary>
public sealed class MailIntakeTests(AppPool pool) : IClassFixture<AppPool>
{
    static async Task<MailboxReader.Pass> PollAsync(TestApp app, MailboxSettings box)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MailboxReader>().PollAsync(box, CancellationToken.None);
    }

    static MailboxSettings Clone(MailboxSettings box, string password) => new()
    {
        Name = box.Name, Host = box.Host, Port = box.Port, Security = box.Security, User = box.User, Password = password, From = box.From,
    };

    static Task<List<Appeal>> AppealsOfAsync(TestApp app, string sender) =>
        app.WithDbAsync(db => db.Appeals.AsNoTracking().Where(a => a.Applicant.Email == sender).ToListAsync());

    static Task<List<IncomingLetter>> LettersOfAsync(TestApp app, MailboxSettings box) =>
        app.WithDbAsync(db => db.IncomingLetters.AsNoTracking().Where(l => l.Mailbox == box.Name).OrderBy(l => l.Uid).ToListAsync());

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_letter_through_postfix_becomes_an_appeal_in_moderation_and_reading_it_again_makes_no_second(Engine engine)
    {
        var app = await pool.For(engine);
        var box = MailServer.NewMailbox();
        box.Priority = AppealPriority.High;
        var sender = MailServer.NewAddress("ivan");
        var letter = MailServer.Letter($"Петров Иван Сергеевич <{sender}>", box.User, "Яма во дворе",
            "Во дворе дома 5 по улице Ленина третий месяц стоит яма, машины не могут проехать.");
        await MailServer.SendAsync(letter, box.User);
        await MailServer.WaitForAsync(box.User, 1);

        var pass = await PollAsync(app, box);

        Assert.Equal((1, 0, 0, 0, (string?)null), (pass.Appeals, pass.Replies, pass.Ignored, pass.Quarantined, pass.Error));
        var appeal = Assert.Single(await AppealsOfAsync(app, sender));
        Assert.Equal((Channel.Email, letter.MessageId, AppealStatus.Moderation, LegalRegime.Obrashchenie59, AppealPriority.High),
            (appeal.Channel, appeal.ChannelMessageId, appeal.Status, appeal.Regime, appeal.Priority));
        Assert.Equal(("Петров", "Иван", "Сергеевич"), (appeal.Applicant.LastName, appeal.Applicant.FirstName, appeal.Applicant.MiddleName));
        Assert.Equal("Тема письма: Яма во дворе\n\nВо дворе дома 5 по улице Ленина третий месяц стоит яма, машины не могут проехать.", appeal.Text);

        // The mailbox read again from its first letter (the server renumbered it, a crash before the position was saved).
        Task Rewind() => app.WithDbAsync(db => db.MailboxStates.Where(s => s.Name == box.Name).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastUid, 0L).SetProperty(x => x.UidValidity, 0L)));
        await Rewind();
        var again = await PollAsync(app, box);
        await app.WithDbAsync(db => db.IncomingLetters.Where(l => l.Mailbox == box.Name).ExecuteDeleteAsync());
        await Rewind();
        var third = await PollAsync(app, box);

        Assert.Equal((0, (string?)null), (again.Appeals, again.Error));
        Assert.Equal(1, third.Appeals); // even without its letter row, intake finds the appeal by the Message-ID
        Assert.Single(await AppealsOfAsync(app, sender));
        var row = Assert.Single(await LettersOfAsync(app, box));
        Assert.Equal((LetterOutcome.Appeal, appeal.Id), (row.Outcome, row.AppealId));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_html_letter_loses_its_script_and_its_files_are_checked_by_content(Engine engine)
    {
        var app = await pool.For(engine);
        var box = MailServer.NewMailbox();
        var sender = MailServer.NewAddress("olga");
        var letter = new MimeMessage();
        letter.From.Add(new MailboxAddress("Ольга Смирнова", sender));
        letter.To.Add(MailboxAddress.Parse(box.User));
        letter.Subject = "Фонарь";
        letter.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("mail.example.test");
        var body = new BodyBuilder
        {
            HtmlBody = "<html><head><style>p{color:red}</style><script>alert('x')</script></head><body><p>Не горит фонарь у <b>школы № 3</b>.</p>"
                + "<script>document.location='http://evil.example'</script><p onclick=\"steal()\">Темно уже неделю.</p></body></html>",
        };
        body.Attachments.Add("photo.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 1, 2, 3], ContentType.Parse("image/png"));
        body.Attachments.Add("doc.pdf", Encoding.ASCII.GetBytes("MZ this is a program, not a PDF"), ContentType.Parse("application/pdf"));
        letter.Body = body.ToMessageBody();
        await MailServer.AppendAsync(box, letter);

        var pass = await PollAsync(app, box);

        Assert.Equal(1, pass.Appeals);
        var appeal = Assert.Single(await AppealsOfAsync(app, sender));
        Assert.Equal("Тема письма: Фонарь\n\nНе горит фонарь у школы № 3.\n\nТемно уже неделю.\n\nНе приняты файлы письма: «doc.pdf» — тип файла не поддерживается", appeal.Text);
        Assert.DoesNotContain("alert", appeal.Text, StringComparison.Ordinal);
        Assert.False(SubmitRules.ContainsMarkup(appeal.Text));
        Assert.Equal(("Смирнова", "Ольга"), (appeal.Applicant.LastName, appeal.Applicant.FirstName));
        var files = await app.WithDbAsync(db => db.Attachments.AsNoTracking().Where(a => a.AppealId == appeal.Id).ToListAsync());
        var png = Assert.Single(files);
        Assert.Equal(("photo.png", "image/png", AttachmentKind.Photo), (png.FileName, png.ContentType, png.Kind));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Auto_replies_bounces_and_lists_are_ignored_a_letter_without_sender_is_quarantined_and_the_next_is_still_taken(Engine engine)
    {
        var app = await pool.For(engine);
        var box = MailServer.NewMailbox();
        var sender = MailServer.NewAddress("anna");

        var vacation = MailServer.Letter($"Анна Орлова <{sender}>", box.User, "Я в отпуске", "Я в отпуске до 1 декабря, отвечу после возвращения.");
        vacation.Headers.Add("Auto-Submitted", "auto-replied");
        var xauto = MailServer.Letter($"Анна Орлова <{sender}>", box.User, "Автоответ", "Спасибо за письмо, я отвечу позже обязательно.");
        xauto.Headers.Add("X-Autoreply", "yes");
        var list = MailServer.Letter($"Новости <{sender}>", box.User, "Рассылка", "Новости недели: всё хорошо, подробности внутри.");
        list.Headers.Add("List-Id", "<news.example.test>");
        list.Headers.Add("Precedence", "bulk");
        var bounce = new MimeMessage();
        bounce.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@mail.example.test"));
        bounce.To.Add(MailboxAddress.Parse(box.User));
        bounce.Subject = "Undelivered Mail Returned to Sender";
        var report = new MultipartReport("delivery-status") { new TextPart("plain") { Text = "This is the mail system at host mail.example.test. I'm sorry to have to inform you..." } };
        report.Add(new MimePart("message", "delivery-status") { Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes("Reporting-MTA: dns; mail.example.test\r\n\r\nFinal-Recipient: rfc822; nobody@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"))) });
        bounce.Body = report;
        var noSender = Encoding.UTF8.GetBytes("To: " + box.User + "\r\nSubject: =?utf-8?B?0JHQtdC3INC+0YLQv9GA0LDQstC40YLQtdC70Y8=?=\r\nMessage-ID: <nosender-" + Guid.NewGuid().ToString("N") + "@x>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nПисьмо без отправителя, но с текстом.\r\n");
        var real = MailServer.Letter($"Анна Орлова <{sender}>", box.User, "Мусор", "Мусор во дворе дома 12 не вывозят уже вторую неделю.");
        foreach (var m in new[] { vacation, xauto, list, bounce }) await MailServer.AppendAsync(box, m);
        await MailServer.AppendAsync(box, noSender);
        await MailServer.AppendAsync(box, real);

        var pass = await PollAsync(app, box);

        Assert.Equal((1, 4, 1, (string?)null), (pass.Appeals, pass.Ignored, pass.Quarantined, pass.Error));
        var appeal = Assert.Single(await AppealsOfAsync(app, sender));
        Assert.Equal(real.MessageId, appeal.ChannelMessageId);
        var rows = await LettersOfAsync(app, box);
        Assert.Equal([LetterOutcome.Ignored, LetterOutcome.Ignored, LetterOutcome.Ignored, LetterOutcome.Ignored, LetterOutcome.Quarantined, LetterOutcome.Appeal],
            rows.Select(r => r.Outcome));
        Assert.Contains("Auto-Submitted", rows[0].Reason, StringComparison.Ordinal);
        Assert.Contains("multipart/report", rows[3].Reason, StringComparison.Ordinal);
        Assert.Contains("нет адреса отправителя", rows[4].Reason, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_question_goes_from_the_mailbox_in_the_letters_thread_and_the_reply_by_references_resumes_the_appeal(Engine engine)
    {
        var app = await pool.For(engine);
        var box = MailServer.NewMailbox();
        // The applicant's mailbox is on the same server: the answers reach it through the app's SMTP, the reply goes back through postfix.
        var sender = MailBox.NewAddress("pavel");
        var original = MailServer.Letter($"Павел Кузнецов <{sender}>", box.User, "Свалка", "За гаражами на улице Мира устроили свалку строительного мусора.");
        await MailServer.AppendAsync(box, original);
        await PollAsync(app, box);
        var appeal = await app.GetAsync(Assert.Single(await AppealsOfAsync(app, sender)).Id);

        appeal = await app.ActAsync(Persona.CentreModerator, appeal, "clarification-request", new { question = "Уточните, пожалуйста, номер дома рядом с гаражами." });
        await app.DispatchMailAsync();
        var question = await app.Mail.WaitForAsync(sender, m => m.Subject?.Contains("Уточните", StringComparison.Ordinal) == true);

        Assert.Equal("obr@region.example", question.From.Mailboxes.Single().Address);
        Assert.Equal(original.MessageId, question.InReplyTo);
        Assert.Contains(original.MessageId, question.References);

        var reply = MailServer.Letter($"Павел Кузнецов <{sender}>", box.User, "Re: " + question.Subject, "Это у дома 14, сразу за третьим рядом гаражей.\n\n> Чтобы рассмотреть ваше обращение…");
        reply.InReplyTo = question.MessageId;
        reply.References.Add(original.MessageId!);
        reply.References.Add(question.MessageId!);
        await MailServer.SendAsync(reply, box.User);
        await MailServer.WaitForAsync(box.User, 2);
        var pass = await PollAsync(app, box);

        Assert.Equal((0, 1), (pass.Appeals, pass.Replies));
        var after = await app.GetAsync(appeal.Id);
        Assert.Equal(AppealStatus.Moderation, after.Status);
        Assert.EndsWith("Уточнение заявителя: Это у дома 14, сразу за третьим рядом гаражей.", after.Text);
        Assert.Single(await AppealsOfAsync(app, sender));
        var row = (await LettersOfAsync(app, box)).Last();
        Assert.Equal((LetterOutcome.Reply, appeal.Id), (row.Outcome, row.AppealId));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_paused_clock_resumes_on_a_reply_found_by_the_number_in_the_subject(Engine engine)
    {
        var app = await pool.For(engine);
        var box = MailServer.NewMailbox();
        var sender = MailBox.NewAddress("nina");
        await MailServer.AppendAsync(box, MailServer.Letter($"Нина Белова <{sender}>", box.User, "Подъезд", "В подъезде дома 3 по улице Садовой не работает домофон."));
        await PollAsync(app, box);
        var appeal = await app.GetAsync(Assert.Single(await AppealsOfAsync(app, sender)).Id);
        appeal = await app.ActAsync(Persona.CentreModerator, appeal, "register", new { organisationId = app.Region.MunA });
        var (dispatcher, executor, _) = Scenario.Staff(app, appeal);
        appeal = await app.ActAsync(dispatcher, appeal, "assign", new { personId = app.Region.IdOf(executor) });
        appeal = await app.ActAsync(executor, appeal, "start");
        appeal = await app.ActAsync(executor, appeal, "pause", new { request = "Сообщите номер квартиры, где не работает трубка домофона." });
        Assert.NotNull(appeal.PausedAtUtc);

        app.Clock.Advance(TimeSpan.FromDays(2));
        await MailServer.AppendAsync(box, MailServer.Letter($"Нина Белова <{sender}>", box.User, $"Re: Нужно уточнение по обращению № {appeal.Number}", "Квартира 27, трубка молчит."));
        var pass = await PollAsync(app, box);

        Assert.Equal(1, pass.Replies);
        var after = await app.GetAsync(appeal.Id);
        Assert.Null(after.PausedAtUtc);
        Assert.True(after.DueAtUtc > appeal.DueAtUtc); // the two days of the pause do not count
        Assert.EndsWith("Дополнение заявителя: Квартира 27, трубка молчит.", after.Text);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_failing_mailbox_tells_the_administrator_once_per_outage_and_then_loses_no_letter(Engine engine)
    {
        var app = await pool.For(engine);
        var box = MailServer.NewMailbox();
        var sender = MailServer.NewAddress("oleg");
        await MailServer.AppendAsync(box, MailServer.Letter($"Олег Сидоров <{sender}>", box.User, "Остановка", "На остановке «Школа» сломан навес, сидеть под дождём."));
        var wrong = Clone(box, "wrong");

        var first = await PollAsync(app, wrong);
        var second = await PollAsync(app, wrong);

        Assert.Contains("пароль", first.Error, StringComparison.Ordinal);
        Assert.NotNull(second.Error);
        var notices = await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Type == "channel.failed" && m.Payload.Contains(box.Name)).ToListAsync());
        Assert.Single(notices);
        Assert.Empty(await AppealsOfAsync(app, sender));
        await app.DispatchMailAsync();
        var admin = app.Region.IdOf(Persona.RegionAdmin);
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.PersonId == admin && n.Title.Contains(box.Name))));

        var restored = await PollAsync(app, box);

        Assert.Equal((1, (string?)null), (restored.Appeals, restored.Error));
        Assert.Single(await AppealsOfAsync(app, sender));
        var state = await app.WithDbAsync(db => db.MailboxStates.AsNoTracking().SingleAsync(s => s.Name == box.Name));
        Assert.Null(state.FailingSinceUtc);
        // A second outage is a new one: told again.
        await PollAsync(app, wrong);
        Assert.Equal(2, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Type == "channel.failed" && m.Payload.Contains(box.Name))));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_letter_over_the_size_limit_is_quarantined_the_next_is_taken_and_a_release_takes_it(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?> { ["Otklik:MailIntake:MaxLetterMegabytes"] = "1" });
        var box = MailServer.NewMailbox();
        var sender = MailServer.NewAddress("big");
        var big = new MimeMessage();
        big.From.Add(new MailboxAddress("Борис Крупнов", sender));
        big.To.Add(MailboxAddress.Parse(box.User));
        big.Subject = "Фотографии";
        var builder = new BodyBuilder { TextBody = "Фотографии разбитой дороги на улице Полевой во вложении." };
        var jpeg = new byte[1_500_000];
        jpeg[0] = 0xFF; jpeg[1] = 0xD8; jpeg[2] = 0xFF;
        builder.Attachments.Add("road.jpg", jpeg, ContentType.Parse("image/jpeg"));
        big.Body = builder.ToMessageBody();
        await MailServer.AppendAsync(box, big);
        var small = MailServer.NewAddress("small");
        await MailServer.AppendAsync(box, MailServer.Letter($"Сергей Малый <{small}>", box.User, "Скамейка", "Во дворе дома 8 сломана скамейка у детской площадки."));

        var pass = await PollAsync(app, box);

        Assert.Equal((1, 1), (pass.Appeals, pass.Quarantined));
        Assert.Empty(await AppealsOfAsync(app, sender));
        Assert.Single(await AppealsOfAsync(app, small));
        var held = (await LettersOfAsync(app, box)).First();
        Assert.Equal(LetterOutcome.Quarantined, held.Outcome);
        Assert.Contains("больше предела 1 МБ", held.Reason, StringComparison.Ordinal);

        await app.WithDbAsync(db => db.IncomingLetters.Where(l => l.Id == held.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.ReleaseRequested, true)));
        var release = await PollAsync(app, box);

        Assert.Equal(1, release.Appeals);
        var appeal = Assert.Single(await AppealsOfAsync(app, sender));
        Assert.Equal(1, await app.WithDbAsync(db => db.Attachments.CountAsync(a => a.AppealId == appeal.Id)));
    }

    /// <summary>
    /// A backlog read in one pass (bench/doors.sh: 10,000 letters): the reader's context lets go of each letter once it is
    /// written. Holding them all made every save re-check every earlier letter and its files, slower with each letter.
    /// </summary>
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_backlog_is_taken_in_one_pass_and_the_reader_holds_none_of_the_letters_it_wrote(Engine engine)
    {
        var app = await pool.For(engine);
        var box = MailServer.NewMailbox();
        var senders = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var sender = MailServer.NewAddress("backlog");
            senders.Add(sender);
            var letter = new MimeMessage();
            letter.From.Add(new MailboxAddress("Ольга Смирнова", sender));
            letter.To.Add(MailboxAddress.Parse(box.User));
            letter.Subject = $"Не вывезен мусор у дома {i}";
            var body = new BodyBuilder { TextBody = $"Контейнерная площадка у дома {i} по улице Мира переполнена третий день." };
            if (i % 3 == 0) body.Attachments.Add("мусор.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46, 0, 1], ContentType.Parse("image/jpeg"));
            letter.Body = body.ToMessageBody();
            await MailServer.AppendAsync(box, letter);
        }

        await using var scope = app.Services.CreateAsyncScope();
        var pass = await scope.ServiceProvider.GetRequiredService<MailboxReader>().PollAsync(box, CancellationToken.None);

        Assert.Equal((30, 0, (string?)null), (pass.Appeals, pass.Quarantined, pass.Error));
        var held = scope.ServiceProvider.GetRequiredService<Otklik.Data.AppDbContext>().ChangeTracker.Entries().Select(e => e.Metadata.ClrType.Name).ToList();
        Assert.True(held.Count <= 1, $"the reader's context still holds {held.Count} entities: {string.Join(", ", held.GroupBy(n => n).Select(g => $"{g.Key} ×{g.Count()}"))}");
        var appeals = await app.WithDbAsync(db => db.Appeals.Where(a => senders.Contains(a.Applicant.Email!)).Select(a => a.Id).ToListAsync());
        Assert.Equal(30, appeals.Count);
        Assert.Equal(10, await app.WithDbAsync(db => db.Attachments.CountAsync(f => appeals.Contains(f.AppealId!.Value))));
        Assert.Equal(30, (await LettersOfAsync(app, box)).Count(l => l.Outcome == LetterOutcome.Appeal));
    }
}
