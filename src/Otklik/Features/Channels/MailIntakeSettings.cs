using MailKit.Security;
using Otklik.Features.Appeals;

namespace Otklik.Features.Channels;

/// <summary>
/// Otklik:MailIntake — the mailboxes whose letters become appeals (ADR 0020). Mailboxes are configuration, not data:
/// their passwords stay with the deployment's other secrets; the office switches each on and off and watches it.
/// </summary>
public sealed class MailIntakeSettings
{
    /// <summary>How often each mailbox is read (seconds). Polling, not IDLE: see ADR 0020.</summary>
    public int PollSeconds { get; set; } = 60;
    /// <summary>A letter larger than this (the whole message, as the server counts it) is quarantined, not downloaded.</summary>
    public int MaxLetterMegabytes { get; set; } = 30;
    public List<MailboxSettings> Mailboxes { get; set; } = [];

    public long MaxLetterBytes => Math.Max(1, MaxLetterMegabytes) * 1024L * 1024L;

    public MailboxSettings? Find(string name) => Mailboxes.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal));
}

public enum MailSecurity { SslOnConnect, StartTls, None }

/// <summary>One mailbox: where to read it, and what its letters become.</summary>
public sealed class MailboxSettings
{
    /// <summary>The mailbox's own name, the key of its state and letters ("obr", "governor").</summary>
    public string Name { get; set; } = "";
    public string Host { get; set; } = "";
    public int Port { get; set; } = 993;
    public MailSecurity Security { get; set; } = MailSecurity.SslOnConnect;
    public string User { get; set; } = "";
    public string Password { get; set; } = "";
    /// <summary>The address answers go from ("Обращения <obr@region.ru>"); also the From of every letter about its appeals.</summary>
    public string From { get; set; } = "";
    public Channel Channel { get; set; } = Channel.Email;
    public LegalRegime Regime { get; set; } = LegalRegime.Obrashchenie59;
    public AppealPriority Priority { get; set; } = AppealPriority.Normal;
    public AppealType Type { get; set; } = AppealType.Problem;
    public AppealKind Kind { get; set; } = AppealKind.Task;
    /// <summary>The category the moderator starts from; none: the catalogue's first active category.</summary>
    public Guid? CategoryId { get; set; }

    public SecureSocketOptions Socket => Security switch
    {
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        MailSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.SslOnConnect,
    };
}

public static class MailIntakeRegistration
{
    public static IServiceCollection AddMailIntake(this IServiceCollection services, IConfiguration config)
    {
        var settings = config.GetSection("Otklik:MailIntake").Get<MailIntakeSettings>() ?? new MailIntakeSettings();
        services.AddSingleton(settings);
        services.AddScoped<MailboxReader>();
        if (config.GetValue("Otklik:Workers", true) && settings.Mailboxes.Count > 0) services.AddHostedService<MailboxPoller>();
        return services;
    }
}
