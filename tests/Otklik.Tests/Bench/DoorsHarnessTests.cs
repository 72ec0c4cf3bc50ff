using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Channels;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Infrastructure;
using Otklik.Load;
using Otklik.Tests.Channels;
using Otklik.Tests.Infrastructure;
using Telegram.Bot;

namespace Otklik.Tests.Bench;

/// <summary>
/// bench/doors.sh (issue 18's figures) in miniature, no timings: the letters it puts into the mailbox become appeals
/// with their files (none quarantined), the Telegram conversations it posts to the webhook each make exactly one appeal,
/// and its fake Bot API answers as the real Telegram.Bot client expects.
/// </summary>
public sealed class DoorsHarnessTests
{
    static async Task<TestApp> BenchAppAsync(Engine engine, FakeBotApi botApi)
    {
        var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?>
        {
            ["Otklik:Telegram:Token"] = FakeBotApi.Token,
            ["Otklik:Telegram:WebhookSecret"] = FakeBotApi.Secret,
            ["Otklik:Telegram:ApiBaseUrl"] = botApi.BaseAddress,
        });
        await BenchData.FillAsync(app.Services, 60, app.Clock.GetUtcNow().UtcDateTime, null, TestContext.Current.CancellationToken);
        // The caches of the directory run on the test's frozen clock: make them see the bench region.
        app.Services.GetRequiredService<OrganisationTree>().Invalidate();
        app.Services.GetRequiredService<TerritoryLocator>().Invalidate();
        app.Services.GetRequiredService<DeadlineClocks>().Invalidate();
        return app;
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_harness_letters_become_appeals_with_their_files_and_each_conversation_one_telegram_appeal(Engine engine)
    {
        await using var botApi = await FakeBotApi.StartAsync(FreePort());
        await using var app = await BenchAppAsync(engine, botApi);
        var dir = await app.WithDbAsync(db => BenchData.LoadDirectoryAsync(db, TestContext.Current.CancellationToken));

        // E-mail: twelve letters of the harness (HTML ones, JPEGs, PDFs among them) read by the app's own reader.
        var box = MailServer.NewMailbox("doors");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var domain = $"doors-{tag}.mail.example";
        const int letters = 12;
        var withFiles = await Doors.FillMailboxAsync(MailServer.ImapPort, box.User, tag, domain, letters, dir);
        Assert.Equal(4, withFiles);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var pass = await scope.ServiceProvider.GetRequiredService<MailboxReader>().PollAsync(box, CancellationToken.None);
            Assert.Equal((letters, 0, 0, 0, (string?)null), (pass.Appeals, pass.Replies, pass.Ignored, pass.Quarantined, pass.Error));
        }
        var suffix = "@" + domain;
        var (appeals, files, kinds) = await app.WithDbAsync(async db =>
        {
            var made = db.Appeals.Where(a => a.Channel == Channel.Email && a.ChannelMessageId!.EndsWith(suffix) && a.Status == AppealStatus.Moderation);
            var attached = db.Attachments.Where(f => made.Any(a => a.Id == f.AppealId));
            return (await made.CountAsync(), await attached.CountAsync(), await attached.Select(f => f.ContentType).Distinct().OrderBy(t => t).ToListAsync());
        });
        Assert.Equal((letters, withFiles), (appeals, files));
        Assert.Equal(new[] { "application/pdf", "image/jpeg" }, kinds);

        // Telegram: six conversations at concurrency 2, each ending in one appeal, none refused.
        var before = await app.WithDbAsync(Doors.TelegramAppealsAsync);
        var result = await LoadRunner.RunAsync(Doors.Telegram(dir, 2), app.BaseAddress, TimeSpan.Zero, TimeSpan.FromMinutes(2), maxOperations: 6,
            ct: TestContext.Current.CancellationToken);
        Assert.True(result.Errors == 0, result.FirstError);
        Assert.Equal(0, botApi.Refused);
        Assert.Equal(result.AllOperations, await app.WithDbAsync(Doors.TelegramAppealsAsync) - before);
        Assert.True(result.AllOperations >= 6, $"{result.AllOperations} conversations");
        Assert.Contains("sendMessage", botApi.Calls, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fake_bot_api_answers_as_the_telegram_library_reads_and_counts_a_refusal()
    {
        await using var botApi = await FakeBotApi.StartAsync(FreePort());
        using var http = new HttpClient();
        var bot = new TelegramBotClient(new TelegramBotClientOptions(FakeBotApi.Token, botApi.BaseAddress), http);

        var sent = await bot.SendMessage(4_200_000_017L, "Обращение № 2026-000001 принято.", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(4_200_000_017L, sent.Chat.Id);
        await bot.AnswerCallbackQuery("cq1", "Обращение отправлено.", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(0, botApi.Refused);
        await bot.AnswerCallbackQuery("cq2", "Обращение не принято.", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1, botApi.Refused);

        // Another bot's token is not this API's: Telegram answers 404.
        var other = new TelegramBotClient(new TelegramBotClientOptions("1:other", botApi.BaseAddress), http);
        var refused = await Assert.ThrowsAnyAsync<Telegram.Bot.Exceptions.ApiRequestException>(() => other.SendMessage(1L, "x", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(404, refused.ErrorCode);
    }

    [Fact]
    public void The_sample_files_are_what_the_app_recognises_and_a_reader_opens()
    {
        var r = new Random(3);
        var jpeg = SampleFiles.Jpeg(r);
        Assert.Equal(("image/jpeg", AttachmentKind.Photo), ContentSniffer.Detect(jpeg.AsSpan(0, 64), "фото.jpg").GetValueOrDefault());
        // The JPEG's segments chain from SOI to the scan, whose data ends in EOI; the frame is 640×480, one component.
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, jpeg[..2]);
        var at = 2;
        var frame = (0, 0);
        while (jpeg[at] == 0xFF && jpeg[at + 1] != 0xDA)
        {
            var length = (jpeg[at + 2] << 8) | jpeg[at + 3];
            if (jpeg[at + 1] == 0xC0) frame = ((jpeg[at + 7] << 8) | jpeg[at + 8], (jpeg[at + 5] << 8) | jpeg[at + 6]);
            at += 2 + length;
        }
        Assert.Equal((0xFF, 0xDA), ((int)jpeg[at], (int)jpeg[at + 1]));
        Assert.Equal((640, 480), frame);
        Assert.Equal(new byte[] { 0xFF, 0xD9 }, jpeg[^2..]);
        Assert.InRange(jpeg.Length, 8_000, 45_000);

        var pdf = SampleFiles.Pdf(r, 7);
        Assert.Equal(("application/pdf", AttachmentKind.Document), ContentSniffer.Detect(pdf.AsSpan(0, 64), "акт.pdf").GetValueOrDefault());
        using var document = UglyToad.PdfPig.PdfDocument.Open(pdf);
        Assert.Equal(1, document.NumberOfPages);
        // (PdfPig joins the letters of a page; the spaces between words may or may not be among them.)
        Assert.Contains("AktosmotraN7", document.GetPage(1).Text.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
