namespace Otklik.Features.Mail;

public static class MailRegistration
{
    /// <summary>Otklik:Mail settings, the sender (SMTP, or the pickup folder when no host is set) and, on a worker node, the dispatch loop.</summary>
    public static IServiceCollection AddOtklikMail(this IServiceCollection services, IConfiguration config)
    {
        var settings = config.GetSection("Otklik:Mail").Get<MailSettings>() ?? new MailSettings();
        services.AddSingleton(settings);
        services.AddSingleton<IMailSender>(string.IsNullOrWhiteSpace(settings.Host) ? new PickupMailSender(settings) : new SmtpMailSender(settings));
        services.AddSingleton(sp =>
        {
            var dispatcher = ActivatorUtilities.CreateInstance<OutboxDispatcher>(sp);
            sp.GetRequiredService<Infrastructure.ClusterSignals>().Subscribe(Infrastructure.ClusterSignals.Outbox, _ => dispatcher.WakeHere());
            return dispatcher;
        });
        if (config.GetValue("Otklik:Workers", true)) services.AddHostedService<OutboxDispatchService>();
        return services;
    }
}
