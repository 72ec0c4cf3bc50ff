using System.Collections.Concurrent;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Social;

/// <summary>
/// One fake far side (<see cref="FakeServer"/>: the collector, the Bot API, the VK API on one port, told apart by path)
/// and one app per engine configured to talk to it: the Telegram bot's token and secret, the VK community's keys.
/// </summary>
public sealed class SocialApps : IAsyncLifetime
{
    public const string BotToken = "123456:TEST-token_of-the-bot";
    public const string BotSecret = "webhook-secret-42";
    public const string VkSecret = "vk-secret-7";
    public const string VkConfirmation = "a1b2c3d4";
    public const string VkToken = "vk1.a.community-token";
    public const long VkGroup = 58812;
    public const string CallbackSecret = "collector-signing-secret";

    readonly ConcurrentDictionary<Engine, Lazy<Task<TestApp>>> _apps = new();
    public FakeServer Far { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Far = await FakeServer.StartAsync();

    public Task<TestApp> For(Engine engine) => _apps.GetOrAdd(engine, e => new Lazy<Task<TestApp>>(() => TestApp.StartAsync(e, settings: new Dictionary<string, string?>
    {
        ["Otklik:Social:AllowPrivateNetworks"] = "true",
        ["Otklik:Incidents:CallbackSecret"] = CallbackSecret,
        ["Otklik:Telegram:Token"] = BotToken,
        ["Otklik:Telegram:WebhookSecret"] = BotSecret,
        ["Otklik:Telegram:ApiBaseUrl"] = Far.BaseAddress.ToString().TrimEnd('/'),
        ["Otklik:Vk:GroupId"] = VkGroup.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Otklik:Vk:Secret"] = VkSecret,
        ["Otklik:Vk:Confirmation"] = VkConfirmation,
        ["Otklik:Vk:Token"] = VkToken,
        ["Otklik:Vk:ApiBaseUrl"] = Far.BaseAddress.ToString().TrimEnd('/'),
        ["Otklik:Vk:CategoryId"] = "00000000-0000-0000-0000-0000000000c2", // the test region's city category
    }))).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps.Values.Where(a => a.IsValueCreated)) await (await app.Value).DisposeAsync();
        await Far.DisposeAsync();
    }
}
