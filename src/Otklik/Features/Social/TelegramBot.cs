using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Intake;
using Otklik.Infrastructure;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace Otklik.Features.Social;

/// <summary>The bot's settings (<c>Otklik:Telegram</c>): no token, no bot.</summary>
public sealed class TelegramSettings
{
    public string? Token { get; set; }
    /// <summary>The secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (set with setWebhook's secret_token).</summary>
    public string? WebhookSecret { get; set; }
    /// <summary>The Bot API's address: Telegram's own, or a local Bot API server (and the tests' fake one).</summary>
    public string ApiBaseUrl { get; set; } = "https://api.telegram.org";
    /// <summary>The bot's username without the @ ("otklik_region_bot"): the portal links to https://t.me/&lt;name&gt; so a person finds the bot.</summary>
    public string? BotName { get; set; }
    public bool Enabled => !string.IsNullOrWhiteSpace(Token) && !string.IsNullOrWhiteSpace(WebhookSecret);
}

/// <summary>
/// The Telegram bot in webhook mode (issue 18.2, ADR 0023). Telegram posts each update to /api/v1/telegram/webhook with
/// the secret token header, which is checked first (a wrong or missing secret: 401, nothing read). A person writes an
/// appeal in steps kept in <see cref="TelegramChat"/>: /start, the topic from buttons or by a word, the text, photos
/// and the location, then «Отправить» — the appeal goes through <see cref="SubmitAppeal"/> as the bot's channel worker,
/// with the update's id as the channel message id (a redelivered update finds its appeal). Everything the applicant is
/// told afterwards comes to the chat through the outbox (<see cref="ChannelRelay"/>); an answer carries rating buttons.
/// An update of a kind the bot does not handle is answered 200 (Telegram would otherwise resend it forever) and noted.
/// </summary>
public static class TelegramBot
{
    public const string Network = "tg-bot";

    public static RouteGroupBuilder MapTelegramApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/telegram").WithTags("Telegram");
        group.MapPost("/webhook", Webhook).AllowAnonymous().WithSummary("Telegram's webhook: updates, with the secret token header.")
            // Telegram's protocol: 200 with no body means delivered. The document says so rather than leaving a bare «OK».
            .Produces(StatusCodes.Status200OK)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is Microsoft.OpenApi.OpenApiResponse response)
                    response.Description = "Delivered; no body (Telegram reads any 2xx as delivered).";
                return Task.CompletedTask;
            });
        return group;
    }

    public static ITelegramBotClient Client(TelegramSettings s, HttpClient http) =>
        new TelegramBotClient(new TelegramBotClientOptions(s.Token!, s.ApiBaseUrl.TrimEnd('/')), http);

    static async Task<IResult> Webhook(HttpContext http, AppDbContext db, TelegramSettings settings, IHttpClientFactory clients, SubmitAppeal intake,
        IFileStore files, Deadlines.DeadlineClocks clocks, TimeProvider clock, CancellationToken ct)
    {
        if (!settings.Enabled) return TypedResults.NotFound();
        var given = http.Request.Headers["X-Telegram-Bot-Api-Secret-Token"].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(settings.WebhookSecret!)))
            return Problem(StatusCodes.Status401Unauthorized, "telegram.secret", "Неверный секрет вебхука Telegram.");
        // Switched off: Telegram keeps the update and delivers it again later.
        if (!await ChannelStates.IsOnAsync(db, ChannelStates.Telegram, ct)) return ChannelStates.Off("Telegram");
        var now = clock.GetUtcNow().UtcDateTime;
        Update? update;
        try { update = await JsonSerializer.DeserializeAsync<Update>(http.Request.Body, JsonBotAPI.Options, ct); }
        catch (JsonException e)
        {
            await ChannelStates.NoteAsync(db, ChannelStates.Telegram, ChannelStates.What.Refused, now, "Неразборчивое обновление: " + e.Message, ct);
            return Problem(StatusCodes.Status400BadRequest, "telegram.update", "Обновление Telegram не разобрано.");
        }
        if (update is null) return Problem(StatusCodes.Status400BadRequest, "telegram.update", "Пустое обновление Telegram.");

        var bot = Client(settings, clients.CreateClient(OutboundHttp.Bots));
        var conversation = new Conversation(db, bot, intake, files, clocks, now, update.Id);
        var handled = update switch
        {
            { Message: { } m } => await conversation.OnMessageAsync(m, ct),
            { CallbackQuery: { } q } => await conversation.OnButtonAsync(q, ct),
            _ => false,
        };
        await ChannelStates.NoteAsync(db, ChannelStates.Telegram, handled ? ChannelStates.What.Received : ChannelStates.What.Refused, now,
            handled ? null : $"Обновление {update.Id} вида «{update.Type}» бот не обрабатывает.", ct);
        return TypedResults.Ok();
    }

    static IResult Problem(int status, string code, string title) =>
        TypedResults.Problem(title: title, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });

    sealed class Conversation(AppDbContext db, ITelegramBotClient bot, SubmitAppeal intake, IFileStore files, Deadlines.DeadlineClocks clocks, DateTime now, int updateId)
    {
        const int TopicButtons = 8;

        async Task<TelegramChat> ChatAsync(long chatId, CancellationToken ct)
        {
            var chat = await db.TelegramChats.SingleOrDefaultAsync(c => c.ChatId == chatId, ct);
            if (chat is null)
            {
                chat = new TelegramChat { ChatId = chatId, Step = BotStep.Idle, UpdatedAtUtc = now };
                db.TelegramChats.Add(chat);
            }
            chat.UpdatedAtUtc = now;
            return chat;
        }

        public async Task<bool> OnMessageAsync(Message m, CancellationToken ct)
        {
            if (m.Chat.Type != ChatType.Private) return false;
            var chat = await ChatAsync(m.Chat.Id, ct);
            var text = m.Text?.Trim();
            if (text is not null && text.StartsWith("/start", StringComparison.Ordinal))
            {
                Clear(chat);
                chat.Step = BotStep.Topic;
                await db.SaveChangesAsync(ct);
                await bot.SendMessage(chat.ChatId, "Здравствуйте! Это бот обращений «Отклик». Выберите тему обращения или напишите слово для поиска темы.",
                    replyMarkup: await TopicsAsync(null, ct), cancellationToken: ct);
                await bot.SendMessage(chat.ChatId, "Чтобы мы знали, кто обращается, поделитесь номером телефона или привяжите аккаунт портала командой /link КОД (код — на странице «Мои обращения»).",
                    replyMarkup: new ReplyKeyboardMarkup(KeyboardButton.WithRequestContact("Поделиться номером")) { ResizeKeyboard = true, OneTimeKeyboard = true },
                    cancellationToken: ct);
                return true;
            }
            if (text is not null && text.StartsWith("/link", StringComparison.Ordinal)) return await LinkAsync(chat, text["/link".Length..].Trim(), ct);
            if (m.Contact is { } contact) return await ContactAsync(chat, m, contact, ct);
            if (m.Location is { } location && chat.Step is BotStep.Details or BotStep.Text)
            {
                (chat.DraftLatitude, chat.DraftLongitude) = (location.Latitude, location.Longitude);
                await db.SaveChangesAsync(ct);
                await bot.SendMessage(chat.ChatId, "Место отмечено.", replyMarkup: SendButton(), cancellationToken: ct);
                return true;
            }
            if (m.Photo is { Length: > 0 } sizes && chat.Step is BotStep.Details or BotStep.Text) return await PhotoAsync(chat, sizes[^1], ct);
            if (text is null) return false;

            switch (chat.Step)
            {
                case BotStep.Topic:
                    await db.SaveChangesAsync(ct);
                    var found = await TopicsAsync(text, ct);
                    await bot.SendMessage(chat.ChatId, found.InlineKeyboard.Any() ? "Вот темы по вашему запросу:" : "Такой темы не нашлось; попробуйте другое слово или /start.",
                        replyMarkup: found, cancellationToken: ct);
                    return true;
                case BotStep.Text or BotStep.Details:
                    chat.DraftText = chat.DraftText is null ? text : $"{chat.DraftText}\n{text}";
                    if (chat.DraftText.Length > 5000) chat.DraftText = chat.DraftText[..5000];
                    chat.Step = BotStep.Details;
                    await db.SaveChangesAsync(ct);
                    await bot.SendMessage(chat.ChatId, "Записал. Можно приложить фото и отправить геопозицию места; когда всё готово, нажмите «Отправить».",
                        replyMarkup: SendButton(), cancellationToken: ct);
                    return true;
                default:
                    return await ClarifyAsync(chat, text, ct);
            }
        }

        public async Task<bool> OnButtonAsync(CallbackQuery q, CancellationToken ct)
        {
            if (q.Message is not { } m) return false;
            var chat = await ChatAsync(m.Chat.Id, ct);
            var data = q.Data ?? "";
            string? notice = null;
            if (data.StartsWith("topic:", StringComparison.Ordinal) && Guid.TryParse(data["topic:".Length..], out var topicId)
                && await db.Topics.AsNoTracking().Where(t => t.Id == topicId && t.IsActive).Select(t => t.Name).SingleOrDefaultAsync(ct) is { } name)
            {
                chat.DraftTopicId = topicId;
                chat.Step = BotStep.Text;
                await db.SaveChangesAsync(ct);
                await bot.SendMessage(chat.ChatId, $"Тема: {name}. Опишите, что случилось и где.", cancellationToken: ct);
            }
            else if (data == "send") notice = await SubmitAsync(chat, q.From, ct);
            else if (data.StartsWith("rate:", StringComparison.Ordinal)) notice = await RateAsync(chat, data, ct);
            else
            {
                await bot.AnswerCallbackQuery(q.Id, "Эта кнопка устарела.", cancellationToken: ct);
                return false;
            }
            await bot.AnswerCallbackQuery(q.Id, notice, cancellationToken: ct);
            return true;
        }

        async Task<InlineKeyboardMarkup> TopicsAsync(string? search, CancellationToken ct)
        {
            var topics = db.Topics.AsNoTracking().Where(t => t.IsActive);
            var list = await topics.OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(ct);
            // The search is by a word anywhere in the topic's name, case-insensitive (ordinal case folding covers Cyrillic).
            if (search is not null) list = [.. list.Where(t => t.Name.Contains(search, StringComparison.OrdinalIgnoreCase))];
            return new InlineKeyboardMarkup(list.Take(TopicButtons).Select(t => new[] { InlineKeyboardButton.WithCallbackData(t.Name, "topic:" + t.Id.ToString("N")) }));
        }

        static InlineKeyboardMarkup SendButton() => new(InlineKeyboardButton.WithCallbackData("Отправить", "send"));

        static void Clear(TelegramChat chat)
        {
            chat.DraftTopicId = null;
            chat.DraftText = null;
            chat.DraftPhotoIds = null;
            chat.DraftLatitude = chat.DraftLongitude = null;
        }

        async Task<bool> PhotoAsync(TelegramChat chat, PhotoSize photo, CancellationToken ct)
        {
            var ids = (chat.DraftPhotoIds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
            if (ids.Length >= ContentSniffer.MaxPerAppeal)
            {
                await bot.SendMessage(chat.ChatId, $"Не больше {ContentSniffer.MaxPerAppeal} фотографий.", cancellationToken: ct);
                return true;
            }
            var file = await bot.GetFile(photo.FileId, ct);
            await using var buffer = new MemoryStream();
            await bot.DownloadFile(file.FilePath!, buffer, ct);
            var bytes = buffer.ToArray();
            var detected = ContentSniffer.Detect(bytes.AsSpan(0, Math.Min(64, bytes.Length)), "photo.jpg");
            if (detected is not { Kind: AttachmentKind.Photo } d || bytes.Length > ContentSniffer.MaxPhotoBytes)
            {
                await bot.SendMessage(chat.ChatId, "Это не похоже на фотографию (или она слишком большая).", cancellationToken: ct);
                return true;
            }
            var stored = await AttachmentsApi.StoreAsync(new AttachmentsApi.CheckedFile($"telegram-{ids.Length + 1}.jpg", bytes, d.ContentType, d.Kind), db, files, null, now, null,
                AttachmentPurpose.Appeal, ct);
            chat.DraftPhotoIds = string.Join(',', ids.Append(stored.Id.ToString("N")));
            await db.SaveChangesAsync(ct);
            await bot.SendMessage(chat.ChatId, "Фото добавлено.", replyMarkup: SendButton(), cancellationToken: ct);
            return true;
        }

        async Task<bool> ContactAsync(TelegramChat chat, Message m, Contact contact, CancellationToken ct)
        {
            // Only the person's own number counts: a contact of someone else carries another user id.
            if (contact.UserId != m.From?.Id)
            {
                await bot.SendMessage(chat.ChatId, "Поделитесь, пожалуйста, своим номером кнопкой «Поделиться номером».", cancellationToken: ct);
                return true;
            }
            var digits = new string(contact.PhoneNumber.Where(char.IsDigit).ToArray());
            chat.Phone = "+" + digits;
            if (chat.PersonId is null)
            {
                var tail = digits.Length >= 10 ? digits[^10..] : digits;
                var people = await db.Users.AsNoTracking().Where(p => p.PhoneNumber != null && p.PhoneNumber.EndsWith(tail)).Select(p => p.Id).Take(2).ToListAsync(ct);
                if (people.Count == 1) chat.PersonId = people[0];
            }
            await db.SaveChangesAsync(ct);
            await bot.SendMessage(chat.ChatId, "Спасибо, номер получен.", replyMarkup: new ReplyKeyboardRemove(), cancellationToken: ct);
            return true;
        }

        async Task<bool> LinkAsync(TelegramChat chat, string code, CancellationToken ct)
        {
            var link = await db.ChannelLinkCodes.SingleOrDefaultAsync(c => c.Code == code && c.UsedAtUtc == null && c.ExpiresAtUtc > now, ct);
            if (link is null)
            {
                await db.SaveChangesAsync(ct);
                await bot.SendMessage(chat.ChatId, "Код не подошёл или устарел. Получите новый на странице «Мои обращения».", cancellationToken: ct);
                return true;
            }
            link.UsedAtUtc = now;
            chat.PersonId = link.PersonId;
            await db.SaveChangesAsync(ct);
            await bot.SendMessage(chat.ChatId, "Чат привязан к вашему аккаунту портала: обращения будут видны в личном кабинете.", cancellationToken: ct);
            return true;
        }

        async Task<string> SubmitAsync(TelegramChat chat, User from, CancellationToken ct)
        {
            if (chat.DraftTopicId is not { } topicId || string.IsNullOrWhiteSpace(chat.DraftText))
            {
                await db.SaveChangesAsync(ct);
                await bot.SendMessage(chat.ChatId, "Сначала выберите тему (/start) и опишите проблему.", cancellationToken: ct);
                return "Не хватает темы или текста.";
            }
            var topic = await db.Topics.AsNoTracking().Where(t => t.Id == topicId).Select(t => new { t.Id, t.CategoryId }).SingleAsync(ct);
            var person = chat.PersonId is { } pid
                ? await db.Users.AsNoTracking().Where(p => p.Id == pid).Select(p => new { p.LastName, p.FirstName, p.MiddleName, p.Email, p.PhoneNumber }).SingleOrDefaultAsync(ct)
                : null;
            var applicant = person is not null
                ? new ApplicantInfo { Kind = ApplicantKind.Person, LastName = person.LastName, FirstName = person.FirstName, MiddleName = person.MiddleName, Email = person.Email, Phone = chat.Phone ?? person.PhoneNumber }
                : new ApplicantInfo { Kind = ApplicantKind.Person, LastName = from.LastName, FirstName = from.FirstName, Phone = chat.Phone };
            var photoIds = (chat.DraftPhotoIds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse).ToArray();
            var request = new IntakeApi.SubmitRequest(AppealType.Problem, null, null, Channel.Telegram, $"tg:{updateId.ToString(CultureInfo.InvariantCulture)}",
                applicant, topic.CategoryId, topic.Id, null, null, chat.DraftLatitude, chat.DraftLongitude, chat.DraftText, false, false,
                photoIds.Length > 0 ? photoIds : null);
            var chatId = chat.ChatId.ToString(CultureInfo.InvariantCulture);
            try
            {
                var submitted = await intake.RunAsync(request, IntakeActor.ChannelWorker(Channel.Telegram, "telegram bot"), null, ct, (appeal, at, writer) =>
                {
                    writer.Add(ChannelThread.Of(appeal.Id, Channel.Telegram, Network, $"update:{updateId}", chatId, at, authorPublicId: from.Username));
                    // A person who linked the portal account finds the appeal in the personal account.
                    if (chat.PersonId is { } owner) writer.Entry(appeal).Property(a => a.ApplicantUserId).CurrentValue = owner;
                });
                Clear(chat);
                chat.Step = BotStep.Idle;
                await db.SaveChangesAsync(ct);
                return "Обращение отправлено.";
            }
            catch (InputException e)
            {
                await db.SaveChangesAsync(ct);
                var reasons = string.Join("\n", e.Errors.SelectMany(x => x.Value).Distinct());
                await bot.SendMessage(chat.ChatId, "Обращение не принято:\n" + reasons, cancellationToken: ct);
                return "Обращение не принято.";
            }
            catch (RuleException e)
            {
                await db.SaveChangesAsync(ct);
                await bot.SendMessage(chat.ChatId, "Обращение не принято: " + e.Message, cancellationToken: ct);
                return "Обращение не принято.";
            }
        }

        Task<Appeal?> LoadAsync(Guid id, CancellationToken ct) =>
            db.Appeals.Include(a => a.Parts).Include(a => a.Roadmap!).ThenInclude(r => r.Steps).AsSplitQuery().SingleOrDefaultAsync(a => a.Id == id, ct);

        async Task ApplyDeadlinesAsync(Appeal appeal, CancellationToken ct) =>
            appeal.ApplyDeadlines(await clocks.ForAsync(db, appeal.ExecutorOrganisationId ?? appeal.OwnerOrganisationId, ct), now);

        /// <summary>The chat's latest appeal waiting for a clarification takes the text as the applicant's answer.</summary>
        async Task<bool> ClarifyAsync(TelegramChat chat, string text, CancellationToken ct)
        {
            var chatId = chat.ChatId.ToString(CultureInfo.InvariantCulture);
            var id = await db.ChannelThreads.Where(t => t.Network == Network && t.ReplyTo == chatId)
                .Join(db.Appeals, t => t.AppealId, a => a.Id, (t, a) => a).Where(a => a.Status == AppealStatus.Clarification)
                .OrderByDescending(a => a.ReceivedAtUtc).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
            var appeal = id is null ? null : await LoadAsync(id.Value, ct);
            if (appeal is null)
            {
                await db.SaveChangesAsync(ct);
                await bot.SendMessage(chat.ChatId, "Чтобы подать обращение, нажмите /start.", cancellationToken: ct);
                return true;
            }
            appeal.GiveClarification(text, null, now);
            await ApplyDeadlinesAsync(appeal, ct);
            await db.SaveChangesAsync(ct);
            await bot.SendMessage(chat.ChatId, $"Уточнение к обращению № {appeal.Number} передано модератору.", cancellationToken: ct);
            return true;
        }

        async Task<string> RateAsync(TelegramChat chat, string data, CancellationToken ct)
        {
            var parts = data.Split(':');
            var chatId = chat.ChatId.ToString(CultureInfo.InvariantCulture);
            if (parts.Length != 3 || !Guid.TryParse(parts[1], out var appealId) || !int.TryParse(parts[2], CultureInfo.InvariantCulture, out var score)) return "Кнопка не распознана.";
            // Only an appeal that came from this very chat is rated from it.
            var appeal = await db.ChannelThreads.AnyAsync(t => t.AppealId == appealId && t.Network == Network && t.ReplyTo == chatId, ct)
                ? await LoadAsync(appealId, ct) : null;
            if (appeal is null || !appeal.Allows(Transition.Rate, now))
            {
                await db.SaveChangesAsync(ct);
                return "Оценить это обращение сейчас нельзя.";
            }
            if (score is < 1 or > 5) return "Оценка — от 1 до 5.";
            appeal.Rate(score, null, null, now);
            // As the portal's rating does: a low score reopens the appeal with a new answer date, a good one closes it.
            await ApplyDeadlinesAsync(appeal, ct);
            db.Outbox.Add(OutboxMessage.Create(appeal.Status == AppealStatus.Closed ? Mail.MessageTypes.Closed : Mail.MessageTypes.Reopened,
                new { appeal.Id, appeal.Number, appeal.Applicant.Email, score, appeal.AnswerDueDate }, appeal.Id, now));
            await db.SaveChangesAsync(ct);
            await bot.SendMessage(chat.ChatId, $"Спасибо за оценку ответа по обращению № {appeal.Number}: {score} из 5.", cancellationToken: ct);
            return "Спасибо!";
        }
    }
}
