using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Telegram.Bot;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Social;

/// <summary>
/// Tells an appeal that came from a messenger or a social network what its applicant is told, where it came from
/// (ADR 0022). The outbox dispatcher calls <see cref="FanOutAsync"/> for every message it delivers: for an applicant's
/// message of an appeal with a <see cref="ChannelThread"/> it writes one <c>channel.reply</c> row (its id derived from
/// the message's, so a retried letter never doubles it), which the dispatcher then delivers through <see cref="SendAsync"/>
/// and retries on its own with the outbox's backoff. An incident's post hears only the answer; a chat hears every step.
/// </summary>
public sealed class ChannelRelay(AppDbContext db, IHttpClientFactory clients, IConfiguration config, TimeProvider clock, IServiceProvider services) : IOutboxRelay
{
    public IReadOnlyList<MessageType> Sends { get; } = [MessageTypes.ChannelReply, MessageTypes.SurveyTelegram, MessageTypes.InformingTelegram];

    public async Task FanOutAsync(OutboxMessage message, CancellationToken ct)
    {
        if (message.AppealId is not { } appealId || MessageTypes.Find(message.Type) is not { IsForApplicant: true }) return;
        if (message.Type == MessageTypes.Answered.Name) await OfferSurveyAsync(message, appealId, ct);
        var thread = await db.ChannelThreads.AsNoTracking().Where(t => t.AppealId == appealId).Select(t => new { t.Channel, t.Network }).SingleOrDefaultAsync(ct);
        if (thread is null) return;
        // A public post or a wall comment is answered once, with the answer; a private chat hears every step.
        var chat = thread.Channel == Channel.Telegram || thread.Network == "vk-message";
        if (!chat && message.Type != MessageTypes.Answered.Name) return;
        var id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes("channel.reply:" + message.Id.ToString("N")))[..16]);
        if (await db.Outbox.AnyAsync(m => m.Id == id, ct)) return;
        var reply = OutboxMessage.Create(MessageTypes.ChannelReply, new { @event = message.Type, source = message.Id }, appealId, clock.GetUtcNow().UtcDateTime);
        reply.Id = id;
        db.Outbox.Add(reply);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { db.Entry(reply).State = EntityState.Detached; } // another node wrote it first
    }

    /// <summary>
    /// Beside the answer letter: when the applicant talks to the bot (the appeal came from Telegram, or their portal account
    /// is linked to a chat), a row that sends them the survey invitation there too — the same personal link as the letter's.
    /// Its id is derived from the letter's, so a retried letter never doubles it.
    /// </summary>
    async Task OfferSurveyAsync(OutboxMessage message, Guid appealId, CancellationToken ct)
    {
        if (await TelegramChatOfAsync(appealId, ct) is null) return;
        var id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes("survey.telegram:" + message.Id.ToString("N")))[..16]);
        if (await db.Outbox.AnyAsync(m => m.Id == id, ct)) return;
        var offer = OutboxMessage.Create(MessageTypes.SurveyTelegram, new { source = message.Id }, appealId, clock.GetUtcNow().UtcDateTime);
        offer.Id = id;
        db.Outbox.Add(offer);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { db.Entry(offer).State = EntityState.Detached; } // another node wrote it first
    }

    /// <summary>The applicant's chat with the bot: the one the appeal came from, else the one linked to their account.</summary>
    async Task<long?> TelegramChatOfAsync(Guid appealId, CancellationToken ct)
    {
        var thread = await db.ChannelThreads.AsNoTracking().Where(t => t.AppealId == appealId && t.Channel == Channel.Telegram).Select(t => t.ReplyTo).FirstOrDefaultAsync(ct);
        if (long.TryParse(thread, NumberStyles.Integer, CultureInfo.InvariantCulture, out var fromThread)) return fromThread;
        var person = await db.Appeals.AsNoTracking().Where(a => a.Id == appealId).Select(a => a.ApplicantUserId).SingleOrDefaultAsync(ct);
        if (person is null) return null;
        return await db.TelegramChats.AsNoTracking().Where(c => c.PersonId == person).OrderByDescending(c => c.UpdatedAtUtc).Select(c => (long?)c.ChatId).FirstOrDefaultAsync(ct);
    }

    async Task<string> SendSurveyAsync(OutboxMessage message, CancellationToken ct)
    {
        var appeal = await db.Appeals.SingleAsync(a => a.Id == message.AppealId, ct);
        // The letter made the invitation (or found it); once per applicant per period, so there may be none.
        var invitation = await Surveys.SurveyDesk.InvitationForAsync(db, appeal, message.CreatedAtUtc, ct);
        if (invitation is null || invitation.Used) return "Опрос этому заявителю сейчас не предлагается.";
        if (await TelegramChatOfAsync(appeal.Id, ct) is not { } chat) return "Чат Telegram заявителя не найден.";
        var telegram = services.GetRequiredService<TelegramSettings>();
        if (!telegram.Enabled) throw new InvalidOperationException("Бот Telegram не настроен (Otklik:Telegram:Token, WebhookSecret).");
        var link = services.GetRequiredService<PublicUrl>().Link(Surveys.SurveyDesk.PathOf(invitation));
        var bot = TelegramBot.Client(telegram, clients.CreateClient(OutboundHttp.Bots));
        var sent = await bot.SendMessage(chat, $"Помогите нам стать лучше — ответьте на несколько вопросов о рассмотрении обращения № {appeal.Number}: {link}", cancellationToken: ct);
        return $"Приглашение в опрос отправлено в чат Telegram (сообщение {sent.MessageId}).";
    }

    /// <summary>
    /// A targeted message to the chat linked to a consenting account: sent, its recipient row marked delivered; refused by
    /// Telegram, marked failed with the error (and retried by the outbox, which marks it delivered if a retry gets through).
    /// </summary>
    async Task<string> SendInformingAsync(OutboxMessage message, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(message.Payload);
        var id = doc.RootElement.GetProperty("recipient").GetGuid();
        var recipient = await db.InformingRecipients.SingleOrDefaultAsync(r => r.Id == id, ct);
        if (recipient?.ChatId is not { } chat) return "Получатель рассылки не найден.";
        var campaign = await db.InformingCampaigns.AsNoTracking().Where(c => c.Id == recipient.CampaignId).Select(c => new { c.Subject, c.Text }).SingleAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            var telegram = services.GetRequiredService<TelegramSettings>();
            if (!telegram.Enabled) throw new InvalidOperationException("Бот Telegram не настроен (Otklik:Telegram:Token, WebhookSecret).");
            var bot = TelegramBot.Client(telegram, clients.CreateClient(OutboundHttp.Bots));
            var site = services.GetRequiredService<PublicUrl>();
            var sent = await bot.SendMessage(chat, $"{campaign.Subject}\n\n{campaign.Text}\n\nПортал «Отклик»: {site.Link("/")}", cancellationToken: ct);
            (recipient.State, recipient.Error, recipient.AtUtc) = (Analytics.InformingState.Sent, null, now);
            await db.SaveChangesAsync(ct);
            await FinishCampaignAsync(recipient.CampaignId, now, ct);
            return $"Сообщение рассылки отправлено в чат Telegram (сообщение {sent.MessageId}).";
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var error = e.Message.Length > 500 ? e.Message[..500] : e.Message;
            await db.InformingRecipients.Where(r => r.Id == id)
                .ExecuteUpdateAsync(x => x.SetProperty(r => r.State, Analytics.InformingState.Failed).SetProperty(r => r.Error, error).SetProperty(r => r.AtUtc, now), CancellationToken.None);
            await FinishCampaignAsync(recipient.CampaignId, now, CancellationToken.None);
            throw;
        }
    }

    Task FinishCampaignAsync(Guid campaign, DateTime now, CancellationToken ct) =>
        db.InformingCampaigns.Where(c => c.Id == campaign && c.FinishedAtUtc == null
                && !c.Recipients.Any(x => x.State == Analytics.InformingState.Pending || x.State == Analytics.InformingState.Queued))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.FinishedAtUtc, now), ct);

    /// <summary>Sends one reply; throws when the other side did not take it (the outbox retries). Returns the note kept with the message.</summary>
    public async Task<string> SendAsync(OutboxMessage message, CancellationToken ct)
    {
        if (message.Type == MessageTypes.SurveyTelegram.Name) return await SendSurveyAsync(message, ct);
        if (message.Type == MessageTypes.InformingTelegram.Name) return await SendInformingAsync(message, ct);
        var thread = await db.ChannelThreads.SingleOrDefaultAsync(t => t.AppealId == message.AppealId, ct);
        if (thread is null) return "Канал обращения не найден: ответ некуда отправить.";
        var appeal = await db.Appeals.SingleAsync(a => a.Id == message.AppealId, ct);
        using var doc = JsonDocument.Parse(message.Payload);
        var @event = doc.RootElement.TryGetProperty("event", out var ev) ? ev.GetString() ?? "" : "";
        var now = clock.GetUtcNow().UtcDateTime;
        var state = thread.Channel == Channel.Telegram ? ChannelStates.Telegram : IsCollectors(thread) ? ChannelStates.Incidents : ChannelStates.Vk;
        thread.LastAttemptAtUtc = now;
        var answer = @event == MessageTypes.Answered.Name;
        try
        {
            // A retry after the answer went out but its history line failed to save does not post the answer twice.
            var note = answer && thread.AnsweredInNetworkAtUtc is not null ? "Ответ уже был принят."
                : IsCollectors(thread)
                    ? await CallbackAsync(thread, appeal, ct)
                    : await services.GetRequiredService<IChannelSender>().SendAsync(thread, appeal, @event, ct);
            thread.LastError = null;
            if (answer && thread.AnsweredInNetworkAtUtc is null)
            {
                thread.AnsweredInNetworkAtUtc = now;
                await db.SaveChangesAsync(ct);
                appeal.RecordAnsweredInNetwork(Where(thread), now);
            }
            await db.SaveChangesAsync(ct);
            await ChannelStates.NoteAsync(db, state, ChannelStates.What.Sent, now, null, ct);
            return note;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var error = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
            // Written past the tracked changes, which may be the very save that failed.
            await db.ChannelThreads.Where(t => t.Id == thread.Id)
                .ExecuteUpdateAsync(x => x.SetProperty(t => t.LastError, error).SetProperty(t => t.LastAttemptAtUtc, now), CancellationToken.None);
            // The outbox retries the reply with its backoff (its id is the same, so it is never doubled); the outage's first
            // failure tells the administrator.
            await ChannelStates.FailAsync(db, services, state, ChannelStates.Label(state), now, $"{appeal.Number}: {e.Message}", CancellationToken.None);
            throw;
        }
    }

    /// <summary>A collector's post (answered through its callback), not the bot's own chat or the VK community's.</summary>
    static bool IsCollectors(ChannelThread t) => t.Channel == Channel.SocialNetwork && t.Network is not ("vk-message" or "vk-wall");

    static string Where(ChannelThread t) =>
        t.Channel == Channel.Telegram ? "Ответ отправлен в чат Telegram"
        : IsCollectors(t) ? $"Ответ передан сборщику инцидентов для поста {t.Network}:{t.ExternalId}" + (t.Url is null ? "" : $" ({t.Url})")
        : t.Network == "vk-wall" ? "Ответ опубликован комментарием ВКонтакте" : "Ответ отправлен сообщением ВКонтакте";

    /// <summary>
    /// The collector's callback: the answer as JSON, signed with HMAC-SHA256 of the body when a secret is configured
    /// (<c>X-Otklik-Signature: sha256=…</c>). Any 2xx means the collector took it.
    /// </summary>
    async Task<string> CallbackAsync(ChannelThread thread, Appeal appeal, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new
        {
            network = thread.Network, postId = thread.ExternalId, postUrl = thread.Url, appealNumber = appeal.Number,
            status = "answered", answer = appeal.AnswerText, answeredAtUtc = appeal.AnsweredAtUtc,
        }, Json.Options);
        using var request = new HttpRequestMessage(HttpMethod.Post, thread.ReplyTo) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (config["Otklik:Incidents:CallbackSecret"] is { Length: > 0 } secret)
            request.Headers.Add("X-Otklik-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))));
        using var response = await clients.CreateClient(OutboundHttp.Partner).SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"Сборщик инцидентов ответил {(int)response.StatusCode} на ответ по посту {thread.Network}:{thread.ExternalId}.");
        return string.Create(CultureInfo.InvariantCulture, $"Ответ передан сборщику ({(int)response.StatusCode}).");
    }
}

/// <summary>Sends a reply to a messenger chat or a network's comment thread (Telegram, VK): the bots' part of the relay.</summary>
public interface IChannelSender
{
    Task<string> SendAsync(ChannelThread thread, Appeal appeal, string @event, CancellationToken ct);
}
