namespace Otklik.Features.Mail;

/// <summary>Otklik:Mail. With no Host the letters are written as .eml files to <see cref="Pickup"/> (the demo needs no mail server).</summary>
public sealed class MailSettings
{
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public string From { get; set; } = "Отклик <noreply@otklik.local>";
    public bool UseSsl { get; set; }
    public string? User { get; set; }
    public string? Password { get; set; }
    public string Pickup { get; set; } = Path.Combine("data", "mail");
    /// <summary>The older name of <c>Otklik:PublicUrl</c>, still read by <see cref="Infrastructure.PublicUrl"/>; links are built from that type only.</summary>
    public string? SiteUrl { get; set; }
    /// <summary>The portal administrator and curator (seed 000): they get a copy of every contact-form request.</summary>
    public string? AdministratorEmail { get; set; }
    public string? CuratorEmail { get; set; }
    /// <summary>
    /// How long a claimed letter is reserved for the dispatcher that claimed it (seconds). Letters are claimed one at a
    /// time, the claim is renewed just before the send, and a send is cut off at half this time (issue 21 item 5).
    /// </summary>
    public int LeaseSeconds { get; set; } = 300;
    /// <summary>After this many failed attempts a message is given up (marked processed, the error kept).</summary>
    public int MaxAttempts { get; set; } = 20;
}
