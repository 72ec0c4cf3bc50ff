using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Intake;
using Otklik.Infrastructure;

namespace Otklik.Features.Social;

/// <summary>The VK community's settings (<c>Otklik:Vk</c>): no group and secret, no endpoint.</summary>
public sealed class VkSettings
{
    public long GroupId { get; set; }
    /// <summary>The secret key set in the community's Callback API settings; VK sends it in every event.</summary>
    public string? Secret { get; set; }
    /// <summary>The string the community's Callback API settings show, returned to the confirmation event.</summary>
    public string? Confirmation { get; set; }
    /// <summary>The community's access token for messages.send and wall.createComment.</summary>
    public string? Token { get; set; }
    public string ApiBaseUrl { get; set; } = "https://api.vk.com";
    public string ApiVersion { get; set; } = "5.199";
    /// <summary>The category (and optionally the topic) the community's messages are filed under until the moderator corrects it.</summary>
    public Guid? CategoryId { get; set; }
    public Guid? TopicId { get; set; }
    public bool Enabled => GroupId != 0 && !string.IsNullOrWhiteSpace(Secret) && !string.IsNullOrWhiteSpace(Confirmation);
}

/// <summary>
/// The VK community through the Callback API (issue 18.3, ADR 0023): the confirmation handshake answers the configured
/// string; every other event must carry the community's id and the secret key (else 403, nothing read further).
/// A private message (<c>message_new</c>) and a wall comment (<c>wall_reply_new</c>) become incident appeals (a public
/// author id only, as with the collectors) through <see cref="SubmitAppeal"/>; the event's object ids make a redelivered
/// event find its appeal. The answer goes back where it came from, through the outbox: <c>messages.send</c> to the
/// chat, <c>wall.createComment</c> under the comment. Other events are answered "ok" (VK would resend them) and noted.
/// </summary>
public static class VkCommunity
{
    public static RouteGroupBuilder MapVkApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/vk").WithTags("VK");
        group.MapPost("/callback", Callback).AllowAnonymous().Produces<string>(StatusCodes.Status200OK, "text/plain").WithSummary("VK's Callback API: the confirmation handshake and the community's events.");
        return group;
    }

    static async Task<IResult> Callback(JsonElement body, AppDbContext db, VkSettings settings, SubmitAppeal intake, TimeProvider clock, CancellationToken ct)
    {
        if (!settings.Enabled) return TypedResults.NotFound();
        var now = clock.GetUtcNow().UtcDateTime;
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("type", out var typeProp) || typeProp.ValueKind != JsonValueKind.String)
            return Problem(StatusCodes.Status400BadRequest, "vk.event", "Событие VK не разобрано.");
        var type = typeProp.GetString();
        var group = body.TryGetProperty("group_id", out var g) && g.TryGetInt64(out var gid) ? gid : 0;
        if (group != settings.GroupId) return Problem(StatusCodes.Status403Forbidden, "vk.group", "Событие другого сообщества.");
        if (type == "confirmation") return TypedResults.Text(settings.Confirmation!, "text/plain");
        var secret = body.TryGetProperty("secret", out var s) ? s.GetString() ?? "" : "";
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(settings.Secret!)))
        {
            await ChannelStates.NoteAsync(db, ChannelStates.Vk, ChannelStates.What.Refused, now, "Событие VK с неверным секретным ключом.", ct);
            return Problem(StatusCodes.Status403Forbidden, "vk.secret", "Неверный секретный ключ Callback API.");
        }
        // Switched off: anything but "ok" makes VK deliver the event again later.
        if (!await ChannelStates.IsOnAsync(db, ChannelStates.Vk, ct)) return ChannelStates.Off("ВКонтакте");
        var obj = body.TryGetProperty("object", out var o) ? o : default;
        string? refusal;
        try
        {
            refusal = type switch
            {
                "message_new" when obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty("message", out var m) => await MessageAsync(m, settings, db, intake, ct),
                "wall_reply_new" when obj.ValueKind == JsonValueKind.Object => await WallReplyAsync(obj, settings, db, intake, ct),
                _ => $"Событие «{type}» не обрабатывается.",
            };
        }
        catch (Exception e) when (e is InputException or RuleException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            refusal = $"Событие «{type}» не принято: {e.Message}";
        }
        await ChannelStates.NoteAsync(db, ChannelStates.Vk, refusal is null ? ChannelStates.What.Received : ChannelStates.What.Refused, now, refusal, ct);
        // VK resends an event until it hears "ok": a refused one is noted for the administrator, not refused back forever.
        return TypedResults.Text("ok", "text/plain");
    }

    static IResult Problem(int status, string code, string title) =>
        TypedResults.Problem(title: title, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });

    static async Task<string?> MessageAsync(JsonElement m, VkSettings settings, AppDbContext db, SubmitAppeal intake, CancellationToken ct)
    {
        var peer = m.GetProperty("peer_id").GetInt64();
        var id = m.GetProperty("id").GetInt64();
        var from = m.TryGetProperty("from_id", out var f) ? f.GetInt64() : peer;
        double? lat = null, lon = null;
        if (m.TryGetProperty("geo", out var geo) && geo.TryGetProperty("coordinates", out var c))
            (lat, lon) = (c.GetProperty("latitude").GetDouble(), c.GetProperty("longitude").GetDouble());
        var external = Inv($"{peer}_{id}");
        await SubmitAsync(settings, db, intake, "vk-message", external, Inv($"{peer}"), Inv($"https://vk.com/gim{settings.GroupId}?sel={peer}"), Inv($"id{from}"),
            m.GetProperty("text").GetString(), lat, lon, ct);
        return null;
    }

    static async Task<string?> WallReplyAsync(JsonElement o, VkSettings settings, AppDbContext db, SubmitAppeal intake, CancellationToken ct)
    {
        var owner = o.GetProperty("post_owner_id").GetInt64();
        var post = o.GetProperty("post_id").GetInt64();
        var comment = o.GetProperty("id").GetInt64();
        var from = o.GetProperty("from_id").GetInt64();
        // The community's own replies come back as events too: they are not appeals.
        if (from == -settings.GroupId) return "Комментарий самого сообщества пропущен.";
        var external = Inv($"{owner}_{post}_{comment}");
        await SubmitAsync(settings, db, intake, "vk-wall", external, external, Inv($"https://vk.com/wall{owner}_{post}?reply={comment}"), Inv($"id{from}"),
            o.GetProperty("text").GetString(), null, null, ct);
        return null;
    }

    static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    static async Task SubmitAsync(VkSettings settings, AppDbContext db, SubmitAppeal intake, string network, string external, string replyTo, string url,
        string author, string? text, double? lat, double? lon, CancellationToken ct)
    {
        if (await db.ChannelThreads.AnyAsync(t => t.Network == network && t.ExternalId == external, ct)) return;
        var request = new IntakeApi.SubmitRequest(AppealType.Problem, settings.TopicId is null ? AppealKind.Task : null, LegalRegime.SocialIncident, Channel.SocialNetwork,
            $"{network}:{external}", new ApplicantInfo { Kind = ApplicantKind.Anonymous }, settings.CategoryId, settings.TopicId, null, null, lat, lon, text,
            false, false, null);
        await intake.RunAsync(request, IntakeActor.ChannelWorker(Channel.SocialNetwork, "vk community " + settings.GroupId.ToString(CultureInfo.InvariantCulture)), null, ct,
            (appeal, at, writer) => writer.Add(ChannelThread.Of(appeal.Id, Channel.SocialNetwork, network, external, replyTo, at, url, author)));
    }

    /// <summary>messages.send to the chat, or wall.createComment under the comment; VK's error answer throws (the outbox retries).</summary>
    public static async Task<string> SendAsync(VkSettings settings, HttpClient http, ChannelThread thread, string text, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(settings.Token)) throw new InvalidOperationException("Не задан ключ доступа сообщества VK (Otklik:Vk:Token).");
        var fields = new Dictionary<string, string> { ["access_token"] = settings.Token, ["v"] = settings.ApiVersion, ["message"] = text };
        string method;
        if (thread.Network == "vk-wall")
        {
            var parts = thread.ReplyTo.Split('_');
            method = "wall.createComment";
            (fields["owner_id"], fields["post_id"], fields["reply_to_comment"]) = (parts[0], parts[1], parts[2]);
        }
        else
        {
            method = "messages.send";
            fields["peer_id"] = thread.ReplyTo;
            // VK drops a message whose random_id it has seen: the thread and the text make a resend after a lost answer a no-op.
            fields["random_id"] = BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(thread.Id.ToString("N") + text))).ToString(CultureInfo.InvariantCulture);
        }
        using var response = await http.PostAsync($"{settings.ApiBaseUrl.TrimEnd('/')}/method/{method}", new FormUrlEncodedContent(fields), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        using var doc = JsonDocument.Parse(body.Length == 0 ? "{}" : body);
        if (!response.IsSuccessStatusCode || doc.RootElement.TryGetProperty("error", out _) || !doc.RootElement.TryGetProperty("response", out _))
            throw new HttpRequestException($"VK {method}: {(int)response.StatusCode} {(body.Length > 300 ? body[..300] : body)}");
        return $"VK {method}: {doc.RootElement.GetProperty("response")}";
    }
}
