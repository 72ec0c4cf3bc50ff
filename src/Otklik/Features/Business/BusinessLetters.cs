using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Mail;
using Otklik.Features.WebPush;
using Otklik.Infrastructure;

namespace Otklik.Features.Business;

/// <summary>The business portal's letters, composed for <see cref="MailComposer"/>: a new measure by subscription, an event registration.</summary>
public static class BusinessLetters
{
    static readonly CultureInfo Ru = CultureInfo.GetCultureInfo("ru-RU");

    static Guid? Id(JsonElement p, string name) => p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && Guid.TryParse(v.GetString(), out var g) ? g : null;

    /// <summary>
    /// A measure that fits the subscription, read again now: one unpublished since is not sent. The account's confirmed
    /// address; a subscription cancelled since (or an account without a confirmed address) gets nothing.
    /// </summary>
    public static async Task<Composed> NewMeasureAsync(AppDbContext db, PublicUrl site, JsonElement p, CancellationToken ct)
    {
        var person = Id(p, "personId");
        if (person is null || !await db.MeasureSubscriptions.AnyAsync(s => s.PersonId == person, ct)) return Composed.Skip("Подписка на новые меры отменена.");
        var account = await db.Users.AsNoTracking().Where(u => u.Id == person).Select(u => new { u.Email, u.EmailConfirmed, u.FirstName }).SingleOrDefaultAsync(ct);
        if (account is not { EmailConfirmed: true, Email: { } to }) return Composed.Skip("У учётной записи нет подтверждённого адреса.");
        var measureId = Id(p, "measureId");
        var m = await db.SupportMeasures.AsNoTracking().SingleOrDefaultAsync(x => x.Id == measureId && x.IsPublished, ct);
        if (m is null) return Composed.Skip("Мера снята с публикации.");
        var org = await db.Organisations.AsNoTracking().Where(o => o.Id == m.OrganisationId).Select(o => o.Name).SingleAsync(ct);
        var body = new StringBuilder()
            .AppendLine($"Здравствуйте{(account.FirstName is { Length: > 0 } n ? ", " + n : "")}!").AppendLine()
            .AppendLine("На портале опубликована новая мера поддержки, подходящая вашему профилю:").AppendLine()
            .AppendLine($"«{m.Title}» — {SupportMeasure.FormName(m.Form)}{(m.AmountText is { } a ? ", " + a : "")}.")
            .AppendLine(m.Summary)
            .AppendLine($"Кто предоставляет: {org}.");
        if (m.ApplyUntil is { } until) body.AppendLine($"Приём заявок до {until.ToString("dd.MM.yyyy", Ru)}.");
        body.AppendLine().AppendLine($"Условия, документы и кнопка «Задать вопрос»: {site.Link($"/business/measures/{m.Id}")}")
            .AppendLine().AppendLine($"Изменить профиль подписки или отписаться: {site.Link("/business/subscribe")}");
        return new(new Letter([to], $"Новая мера поддержки: {m.Title}", MailComposer.Sign(body)), null);
    }

    /// <summary>The web push of the same message: the measure's title and its page.</summary>
    public static (Guid PersonId, PushRelay.Content Content)? Push(OutboxMessage message)
    {
        using var doc = JsonDocument.Parse(message.Payload);
        var p = doc.RootElement;
        if (Id(p, "personId") is not { } person || Id(p, "measureId") is not { } measure) return null;
        var title = p.TryGetProperty("title", out var t) ? t.GetString() : null;
        return (person, new PushRelay.Content("Новая мера поддержки", title ?? "", $"/business/measures/{measure}", "measure-" + measure.ToString("N")));
    }

    public static async Task<Composed> EventRegisteredAsync(AppDbContext db, PublicUrl site, JsonElement p, CancellationToken ct)
    {
        var id = Id(p, "registrationId");
        var r = await db.EventRegistrations.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
        if (r is null) return Composed.Skip("Регистрация отменена.");
        var e = await db.PortalItems.AsNoTracking().SingleAsync(x => x.Id == r.ItemId, ct);
        var org = await db.Organisations.AsNoTracking().Where(o => o.Id == e.OrganisationId).Select(o => new { o.Name, o.TimeZone }).SingleAsync(ct);
        var zone = Directory.TimeZones.Find(org.TimeZone);
        var body = new StringBuilder()
            .AppendLine($"Здравствуйте, {r.Name}!").AppendLine()
            .AppendLine($"Вы зарегистрированы на мероприятие «{e.Title}».")
            .AppendLine($"Когда: {MailComposer.Local(e.StartsAtUtc!.Value, zone)} (время местное).")
            .AppendLine($"Где: {e.Address}.")
            .AppendLine($"Организатор: {org.Name}.").AppendLine()
            .AppendLine($"О мероприятии: {site.Link($"/business/events/{e.Id}")}");
        return new(new Letter([r.Email], $"Регистрация на мероприятие: {e.Title}", MailComposer.Sign(body)), null);
    }
}
