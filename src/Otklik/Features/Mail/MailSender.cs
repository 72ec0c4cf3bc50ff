using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Otklik.Features.Mail;

/// <summary>Hands a finished letter to the world: an SMTP server, or a pickup folder when none is configured.</summary>
public interface IMailSender
{
    Task SendAsync(MimeMessage message, CancellationToken ct);
}

public sealed class SmtpMailSender(MailSettings settings) : IMailSender
{
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        using var smtp = new SmtpClient { Timeout = 30_000 };
        await smtp.ConnectAsync(settings.Host ?? "", settings.Port, settings.UseSsl ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable, ct);
        if (!string.IsNullOrEmpty(settings.User)) await smtp.AuthenticateAsync(settings.User, settings.Password ?? "", ct);
        await smtp.SendAsync(message, ct);
        await smtp.DisconnectAsync(true, ct);
    }
}

/// <summary>Writes each letter as an .eml file (any mail client opens it): the demo runs with nothing installed.</summary>
public sealed class PickupMailSender(MailSettings settings) : IMailSender
{
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(settings.Pickup);
        // Version-7 ids sort by time, so the folder lists the letters in the order they were sent.
        var path = Path.Combine(settings.Pickup, $"{Guid.CreateVersion7():N}.eml");
        await message.WriteToAsync(path + ".tmp", ct);
        // Renamed when complete, so a reader never sees half a letter.
        File.Move(path + ".tmp", path);
    }
}
