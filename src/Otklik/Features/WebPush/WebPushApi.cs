using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.WebPush;

/// <summary>
/// The signed-in person's browsers for web push (ADR 0040): the server's public VAPID key, subscribe and unsubscribe a
/// browser, and the setting «Уведомления в браузере» (on /my). Every query is the person's own rows.
/// </summary>
public static class WebPushApi
{
    public static IServiceCollection AddWebPush(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<WebPushKeys>();
        services.AddScoped<PushRelay>();
        services.AddScoped<Mail.IOutboxRelay>(sp => sp.GetRequiredService<PushRelay>());
        // A push endpoint is a URL the browser chose: like a partner's callback, it may not reach the site's own network
        // unless a region's own push service lives there (Otklik:WebPush:AllowPrivateEndpoints).
        var allowPrivate = config.GetValue("Otklik:WebPush:AllowPrivateEndpoints", false);
        services.AddHttpClient(PushRelay.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                ConnectCallback = async (context, ct) =>
                {
                    var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
                    var target = addresses.FirstOrDefault(a => allowPrivate || Social.OutboundHttp.IsPublic(a))
                        ?? throw new HttpRequestException($"{context.DnsEndPoint.Host} is not a public address.");
                    var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(new IPEndPoint(target, context.DnsEndPoint.Port), ct);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            });
        return services;
    }

    public static RouteGroupBuilder MapWebPushApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/push").WithTags("WebPush");
        group.MapGet("/key", Key).AllowAnonymous().Produces<KeyView>().WithSummary("The server's VAPID public key for PushManager.subscribe (null when web push is off)");
        group.MapGet("/settings", GetSettings).RequireAuthorization().Produces<SettingsView>().WithSummary("«Уведомления в браузере»: on or off, and how many browsers are subscribed");
        group.MapPut("/settings", PutSettings).RequireAuthorization().Produces<SettingsView>().WithSummary("Turns the person's browser notifications on or off");
        group.MapPost("/subscriptions", Subscribe).RequireAuthorization().Produces<SettingsView>().WithSummary("Subscribes a browser (PushSubscription.toJSON()) and turns notifications on");
        group.MapDelete("/subscriptions", Unsubscribe).RequireAuthorization().Produces(StatusCodes.Status204NoContent).WithSummary("Forgets one of the person's browsers by its endpoint");
        return group;
    }

    public sealed record KeyView(string? PublicKey);
    public sealed record SettingsView(bool Enabled, int Subscriptions);
    public sealed record SettingsRequest(bool? Enabled);
    public sealed record SubscriptionKeys(string? P256dh, string? Auth);
    public sealed record SubscribeRequest(string? Endpoint, SubscriptionKeys? Keys);

    static async Task<IResult> Key(AppDbContext db, WebPushKeys keys, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(new KeyView((await keys.GetAsync(db, clock.GetUtcNow().UtcDateTime, ct))?.PublicKey));

    static async Task<IResult> GetSettings(AppDbContext db, CurrentUser user, CancellationToken ct) =>
        TypedResults.Ok(await SettingsAsync(db, user.RequiredId, ct));

    public static async Task<SettingsView> SettingsAsync(AppDbContext db, Guid person, CancellationToken ct) => new(
        await db.PushPreferences.AnyAsync(p => p.PersonId == person && p.Enabled, ct),
        await db.WebPushSubscriptions.CountAsync(s => s.PersonId == person, ct));

    static async Task<IResult> PutSettings(SettingsRequest request, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (request.Enabled is not { } enabled) throw new InputException("enabled", "push.enabled", "Укажите enabled: true или false.");
        await SetAsync(db, user.RequiredId, enabled, clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.Ok(await SettingsAsync(db, user.RequiredId, ct));
    }

    static async Task SetAsync(AppDbContext db, Guid person, bool enabled, DateTime now, CancellationToken ct)
    {
        var preference = await db.PushPreferences.SingleOrDefaultAsync(p => p.PersonId == person, ct);
        if (preference is null) db.PushPreferences.Add(new PushPreference { PersonId = person, Enabled = enabled, ChangedAtUtc = now });
        else { preference.Enabled = enabled; preference.ChangedAtUtc = now; }
        await db.SaveChangesAsync(ct);
    }

    static async Task<IResult> Subscribe(SubscribeRequest request, AppDbContext db, CurrentUser user, TimeProvider clock, IConfiguration config, CancellationToken ct)
    {
        var errors = new InputErrors();
        var endpoint = request.Endpoint?.Trim();
        var allowHttp = config.GetValue("Otklik:WebPush:AllowPrivateEndpoints", false);
        if (string.IsNullOrEmpty(endpoint)) errors.Add("endpoint", "push.endpoint", "Укажите адрес подписки (endpoint).");
        else if (endpoint.Length > WebPushSubscription.MaxEndpoint) errors.Add("endpoint", "push.endpoint", $"Адрес подписки — не длиннее {WebPushSubscription.MaxEndpoint} символов.");
        else if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || (allowHttp && uri.Scheme == Uri.UriSchemeHttp)))
            errors.Add("endpoint", "push.endpoint", "Адрес подписки — абсолютный адрес https службы push.");
        if (!IsKey(request.Keys?.P256dh, 65, 0x04)) errors.Add("keys.p256dh", "push.p256dh", "Ключ p256dh — открытый ключ P-256 браузера (65 байт, base64url).");
        if (!IsKey(request.Keys?.Auth, 16, null)) errors.Add("keys.auth", "push.auth", "Секрет auth — 16 байт в base64url.");
        errors.ThrowIfAny();

        var now = clock.GetUtcNow().UtcDateTime;
        var me = user.RequiredId;
        var existing = await db.WebPushSubscriptions.SingleOrDefaultAsync(s => s.Endpoint == endpoint, ct);
        if (existing is null)
            db.WebPushSubscriptions.Add(new WebPushSubscription
            {
                Id = Guid.CreateVersion7(), PersonId = me, Endpoint = endpoint!, P256dh = request.Keys!.P256dh!, Auth = request.Keys.Auth!, CreatedAtUtc = now,
            });
        else
        {
            // The same browser signed in as someone else now: its notifications are the new person's.
            (existing.PersonId, existing.P256dh, existing.Auth) = (me, request.Keys!.P256dh!, request.Keys.Auth!);
        }
        await db.SaveChangesAsync(ct);
        await SetAsync(db, me, true, now, ct);
        return TypedResults.Ok(await SettingsAsync(db, me, ct));
    }

    static async Task<IResult> Unsubscribe([FromQuery] string? endpoint, AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(endpoint)) throw new InputException("endpoint", "push.endpoint", "Укажите адрес подписки (endpoint).");
        var me = user.RequiredId;
        await db.WebPushSubscriptions.Where(s => s.Endpoint == endpoint.Trim() && s.PersonId == me).ExecuteDeleteAsync(ct);
        return TypedResults.NoContent();
    }

    static bool IsKey(string? value, int length, byte? first)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 100) return false;
        try
        {
            var bytes = Base64Url.DecodeFromChars(value.TrimEnd('='));
            return bytes.Length == length && (first is null || bytes[0] == first);
        }
        catch (FormatException) { return false; }
    }
}
