namespace Otklik.Features.Social;

public static class SocialRegistration
{
    /// <summary>The incident collectors' intake, the Telegram bot and the VK community, and the relay of replies to them (issue 18).</summary>
    public static IServiceCollection AddSocialChannels(this IServiceCollection services, IConfiguration config)
    {
        services.AddPartnerHttp(config);
        services.AddHttpClient(OutboundHttp.Bots, c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton(config.GetSection("Otklik:Telegram").Get<TelegramSettings>() ?? new TelegramSettings());
        services.AddSingleton(config.GetSection("Otklik:Vk").Get<VkSettings>() ?? new VkSettings());
        services.AddScoped<ChannelRelay>();
        services.AddScoped<Mail.IOutboxRelay>(sp => sp.GetRequiredService<ChannelRelay>());
        services.AddScoped<IChannelSender, BotSender>();
        return services;
    }

    public static RouteGroupBuilder MapSocialApi(this RouteGroupBuilder api)
    {
        api.MapIncidentsApi();
        api.MapTelegramApi();
        api.MapVkApi();
        Telephony.TelephonyApi.MapTelephonyApi(api);
        return api;
    }
}
