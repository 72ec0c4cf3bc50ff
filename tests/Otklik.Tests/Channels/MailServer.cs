using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Otklik.Features.Channels;

namespace Otklik.Tests.Channels;

/// <summary>
/// The real postfix + dovecot that scripts/test.sh starts (tests/mail-server/start.sh): any user of example.test signs in
/// with "secret", so each test reads mailboxes of its own.
/// </summary>
public static class MailServer
{
    public static int ImapPort => int.TryParse(Environment.GetEnvironmentVariable("OTKLIK_TEST_IMAP_PORT"), out var p) ? p
        : throw new InvalidOperationException("OTKLIK_TEST_IMAP_PORT is not set: run the tests through scripts/test.sh, which starts postfix and dovecot.");
    public static int SmtpPort => int.TryParse(Environment.GetEnvironmentVariable("OTKLIK_TEST_MTA_SMTP_PORT"), out var p) ? p
        : throw new InvalidOperationException("OTKLIK_TEST_MTA_SMTP_PORT is not set: run the tests through scripts/test.sh.");

    public static string NewAddress(string who) => $"{who}-{Guid.NewGuid():N}@example.test";

    /// <summary>A fresh mailbox of the intake: its own IMAP user, read as configuration would name it.</summary>
    public static MailboxSettings NewMailbox(string name = "obr") => new()
    {
        Name = $"{name}-{Guid.NewGuid():N}"[..20], Host = "127.0.0.1", Port = ImapPort, Security = MailSecurity.None,
        User = NewAddress(name), Password = "secret", From = "Приёмная обращений <obr@region.example>",
    };

    /// <summary>Delivers a letter through postfix (SMTP → LMTP → dovecot), as a letter from outside arrives.</summary>
    public static async Task SendAsync(MimeMessage message, string to)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", SmtpPort, SecureSocketOptions.None);
        await smtp.SendAsync(message, message.From.Mailboxes.First(), [MailboxAddress.Parse(to)]);
        await smtp.DisconnectAsync(true);
    }

    /// <summary>Puts a letter straight into the mailbox (IMAP APPEND): the raw bytes exactly as given, however broken.</summary>
    public static async Task AppendAsync(MailboxSettings box, byte[] raw)
    {
        using var imap = await OpenAsync(box.User);
        using var stream = new MemoryStream(raw);
        await imap.Inbox.AppendAsync(new AppendRequest(MimeMessage.Load(stream)));
        await imap.DisconnectAsync(true);
    }

    public static async Task AppendAsync(MailboxSettings box, MimeMessage message)
    {
        using var imap = await OpenAsync(box.User);
        await imap.Inbox.AppendAsync(new AppendRequest(message));
        await imap.DisconnectAsync(true);
    }

    /// <summary>Waits until the user's INBOX holds <paramref name="count"/> letters (postfix delivers in the background).</summary>
    public static async Task<IList<MimeMessage>> WaitForAsync(string user, int count, TimeSpan? timeout = null)
    {
        var limit = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            using var imap = await OpenAsync(user);
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            if (imap.Inbox.Count >= count)
            {
                var all = new List<MimeMessage>();
                for (var i = 0; i < imap.Inbox.Count; i++) all.Add(await imap.Inbox.GetMessageAsync(i));
                return all;
            }
            if (DateTime.UtcNow > limit) throw new TimeoutException($"{user} has {imap.Inbox.Count} letters, not {count}.");
            await Task.Delay(100);
        }
    }

    static async Task<ImapClient> OpenAsync(string user)
    {
        var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", ImapPort, SecureSocketOptions.None);
        await imap.AuthenticateAsync(user, "secret");
        return imap;
    }

    public static MimeMessage Letter(string from, string to, string subject, string text, string? html = null)
    {
        var m = new MimeMessage();
        m.From.Add(MailboxAddress.Parse(from));
        m.To.Add(MailboxAddress.Parse(to));
        m.Subject = subject;
        m.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("mail.example.test");
        var body = new BodyBuilder { TextBody = html is null ? text : null, HtmlBody = html };
        m.Body = body.ToMessageBody();
        return m;
    }
}
