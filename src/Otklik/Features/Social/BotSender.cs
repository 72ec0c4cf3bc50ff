using System.Globalization;
using Otklik.Features.Appeals;
using Otklik.Features.Mail;
using Telegram.Bot;
using Telegram.Bot.Types.ReplyMarkups;

namespace Otklik.Features.Social;

/// <summary>The bots' replies (ADR 0023): what the applicant is told, as a chat message; an answer with rating buttons.</summary>
public sealed class BotSender(TelegramSettings telegram, VkSettings vk, IHttpClientFactory clients) : IChannelSender
{
    static readonly CultureInfo Ru = CultureInfo.GetCultureInfo("ru-RU");

    public async Task<string> SendAsync(ChannelThread thread, Appeal appeal, string @event, CancellationToken ct)
    {
        var text = Text(appeal, @event);
        if (thread.Channel == Channel.Telegram)
        {
            if (!telegram.Enabled) throw new InvalidOperationException("Бот Telegram не настроен (Otklik:Telegram:Token, WebhookSecret).");
            var bot = TelegramBot.Client(telegram, clients.CreateClient(OutboundHttp.Bots));
            var chatId = long.Parse(thread.ReplyTo, CultureInfo.InvariantCulture);
            InlineKeyboardMarkup? rating = @event == MessageTypes.Answered.Name
                ? new(Enumerable.Range(1, 5).Select(n => InlineKeyboardButton.WithCallbackData(new string('★', n), $"rate:{appeal.Id:N}:{n}")))
                : null;
            var sent = await bot.SendMessage(chatId, text, replyMarkup: rating, cancellationToken: ct);
            return $"Отправлено в чат Telegram (сообщение {sent.MessageId}).";
        }
        if (thread.Network is "vk-message" or "vk-wall")
        {
            // A wall comment is public: it gets the answer alone, with the appeal's number, and no rating buttons.
            var vkText = thread.Network == "vk-wall" ? $"Ответ по обращению № {appeal.Number}: {appeal.AnswerText}" : text.Replace("\n\nОцените, пожалуйста, ответ:", "", StringComparison.Ordinal);
            return await VkCommunity.SendAsync(vk, clients.CreateClient(OutboundHttp.Bots), thread, vkText, ct);
        }
        throw new InvalidOperationException($"Канал {thread.Channel} ({thread.Network}) не умеет отвечать.");
    }

    /// <summary>What the applicant's letter of the same event says, shortly, for a chat.</summary>
    internal string Text(Appeal a, string @event)
    {
        var due = a.AnswerDueDate is { } d ? $" Срок ответа — до {d.ToString("d MMMM yyyy", Ru)}." : "";
        return @event switch
        {
            "appeal.received" => $"Обращение № {a.Number} принято и передано на модерацию.{(due.Length > 0 ? due : " Срок ответа будет назначен при регистрации.")}",
            "appeal.registered" => $"Обращение № {a.Number} зарегистрировано.{due}",
            "appeal.clarification_requested" => $"По обращению № {a.Number} модератор просит уточнить: {a.ClarificationQuestion}\nОтветьте сообщением в этот чат.",
            "appeal.answered" => $"Ответ по обращению № {a.Number}:\n{a.AnswerText}\n\nОцените, пожалуйста, ответ:",
            "appeal.rejected" => $"Обращение № {a.Number} отклонено модератором.",
            "appeal.closed" => $"Рассмотрение обращения № {a.Number} завершено.",
            "appeal.reopened" => $"Обращение № {a.Number} направлено на повторное рассмотрение.{due}",
            _ => $"Обращение № {a.Number}: {MessageTypes.Find(@event)?.Title ?? "изменился статус"} — «{Labels.Of(a.Status)}».{due}",
        };
    }
}
