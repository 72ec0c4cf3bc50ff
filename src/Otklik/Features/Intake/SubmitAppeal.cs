using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Intake;

/// <summary>
/// Intake as a use case (ADR 0018): an appeal comes in from an <see cref="IntakeActor"/> — the applicant, an operator
/// acting for one, a channel worker or the system — with no HTTP request behind it necessarily. Validation and planning
/// run here, on the caller's scoped context, concurrently; the numbering and the write are the <see cref="IntakeWriter"/>'s
/// (group commit, ADR 0014). Register it scoped; a background worker resolves it from a scope of its own.
/// </summary>
public sealed class SubmitAppeal(AppDbContext db, TerritoryLocator locator, TimeProvider clock, DeadlineClocks clocks,
    Routing.AutoRouting routing, IntakeWriter writer, Mail.OutboxDispatcher outbox)
{
    /// <summary>
    /// The one way an appeal comes in, for the API, the portal and operator's pages and the channel workers alike: validation, the year's number, the
    /// idempotency key (a repeated request gets the appeal it already made), the channel's message id, and the auto-rules
    /// (moderation, or straight to registration with its executor and route). Refuses with <see cref="InputException"/> (field errors) or <see cref="RuleException"/>.
    /// </summary>
    /// <param name="onCreated">Runs once, on a new appeal only, before it is saved, in the same transaction and with the
    /// writer's context, not the caller's (a page's own routing and outbox messages, say).</param>
    public async Task<IntakeApi.Submitted> RunAsync(IntakeApi.SubmitRequest request, IntakeActor actor, string? idempotencyKey, CancellationToken ct,
        Action<Appeal, DateTime, AppDbContext>? onCreated = null)
    {
        var key = idempotencyKey ?? "";
        if (key.Length > 100 || key.Any(char.IsControl))
            throw new InputException("Idempotency-Key", "idempotency.key_format", "Ключ идемпотентности — до 100 печатных символов.");
        idempotencyKey = key.Length == 0 ? null : key;
        var hash = RequestHash(request, actor);

        if (idempotencyKey is not null && await ReplayAsync(db, idempotencyKey, hash, ct) is { } replay) return new(replay, false);

        var draft = await ValidateAsync(request, actor, ct);
        var draftWithKey = draft with { IdempotencyKey = idempotencyKey, RequestHash = hash };
        if (await SameChannelMessageAsync(db, draft, ct) is { } known) return new(known, false);

        // Whole microseconds, as both databases keep them: the answer made from the written appeal shows the times a read shows.
        var now = clock.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % 10));
        // Everything is read and planned here, concurrently; the writer only numbers and writes (group commit).
        var deadlines = await clocks.ForAsync(db, draft.OwnerOrganisationId, ct);
        var year = TimeZoneInfo.ConvertTimeFromUtc(now, deadlines.Zone).Year;
        var plan = await routing.PlanAsync(await routing.FactsAsync(draft, now, ct), null, null, atIntake: true, ct);
        var submitted = await writer.WriteAsync(new(draftWithKey, year, now, deadlines, plan, actor.PersonId, request.AttachmentIds, onCreated,
            ReceivedAt(request, now)), ct);
        if (submitted.IsNew) Telemetry.AppealReceived(draft.Channel);
        // The receipt letter (and the office notices) go out now, not at the dispatcher's next tick (issue 21 item 5).
        if (submitted.IsNew) outbox.Nudge();
        return submitted;
    }

    /// <summary>
    /// The checks of <see cref="RunAsync"/> without the write: a channel that takes a batch (the incident collectors) checks
    /// every item first, so that a batch with one bad item is refused whole and changes nothing.
    /// </summary>
    public async Task CheckAsync(IntakeApi.SubmitRequest request, IntakeActor actor, CancellationToken ct) => await ValidateAsync(request, actor, ct);

    /// <summary>
    /// The appeal an earlier request already made of this draft: the same idempotency key (with the same request, else
    /// refused with <c>idempotency.key_reused</c>) or the same channel message. Each is one look through a unique index.
    /// </summary>
    internal static async Task<Guid?> EarlierTwinAsync(AppDbContext db, Appeal.Draft draft, CancellationToken ct) =>
        draft.IdempotencyKey is { } key && await ReplayAsync(db, key, draft.RequestHash!, ct) is { } replay
            ? replay
            : await SameChannelMessageAsync(db, draft, ct);

    /// <summary>An integration that sends the same channel message again gets the appeal it already made.</summary>
    static async Task<Guid?> SameChannelMessageAsync(AppDbContext db, Appeal.Draft draft, CancellationToken ct)
    {
        if (draft.ChannelMessageId is null) return null;
        var existing = await db.Appeals.AsNoTracking().Where(a => a.Channel == draft.Channel && a.ChannelMessageId == draft.ChannelMessageId)
            .Select(a => a.Id).FirstOrDefaultAsync(ct);
        return existing == Guid.Empty ? null : existing;
    }

    static async Task<Guid?> ReplayAsync(AppDbContext db, string key, string hash, CancellationToken ct)
    {
        var found = await db.Appeals.AsNoTracking().Where(a => a.IdempotencyKey == key).Select(a => new { a.Id, a.RequestHash }).SingleOrDefaultAsync(ct);
        if (found is null) return null;
        if (found.RequestHash != hash) throw KeyReused();
        return found.Id;
    }

    internal static InputException KeyReused() => new("Idempotency-Key", "idempotency.key_reused",
        "Этот ключ идемпотентности уже использован для другого обращения.", StatusCodes.Status422UnprocessableEntity);

    async Task<Appeal.Draft> ValidateAsync(IntakeApi.SubmitRequest r, IntakeActor actor, CancellationToken ct)
    {
        var e = new InputErrors();
        var channel = r.Channel ?? actor.DefaultChannel;
        if (!actor.MayUse(channel))
            throw new RuleException("intake.channel_forbidden", $"Обращения по каналу «{channel}» регистрирует оператор или интеграция.");

        CheckReceivedAt(e, r, actor, clock.GetUtcNow().UtcDateTime);
        if (r.Type is null) e.Add("type", "field.required", "Выберите тип обращения.");
        if (r.CategoryId is null) e.Add("categoryId", "field.required", "Выберите категорию.");
        SubmitRules.CheckText(e, "text", r.Text);
        SubmitRules.CheckOptional(e, "address", r.Address, 500);
        SubmitRules.CheckIdentifier(e, "channelMessageId", r.ChannelMessageId, 200);
        SubmitRules.CheckLocation(e, r.Latitude, r.Longitude);
        if (r.IsPublic && !r.PublicationConsent)
            e.Add("publicationConsent", "appeal.consent_required", "Для публикации обращения нужно согласие заявителя.");

        Topic? topic = null;
        if (r.CategoryId is { } categoryId)
        {
            if (!await db.Categories.AnyAsync(c => c.Id == categoryId && c.IsActive, ct))
                e.Add("categoryId", "catalogue.unknown_category", "Такой категории нет.");
            else if (r.TopicId is { } topicId)
            {
                topic = await db.Topics.AsNoTracking().SingleOrDefaultAsync(t => t.Id == topicId && t.IsActive, ct);
                if (topic is null || topic.CategoryId != categoryId) e.Add("topicId", "catalogue.unknown_topic", "В выбранной категории нет такой темы.");
            }
        }
        var kind = r.Kind ?? topic?.DefaultKind;
        var regime = r.Regime ?? topic?.DefaultRegime;
        if (kind is null) e.Add("kind", "field.required", "Укажите вид обращения или выберите тему.");
        if (regime is null) e.Add("regime", "field.required", "Укажите правовой режим или выберите тему.");
        if (regime is { } rg) SubmitRules.CheckApplicant(e, r.Applicant, rg);
        if (r.RespondentOrganisationId is { } respondent)
        {
            if (!await db.Organisations.AnyAsync(o => o.Id == respondent, ct))
                e.Add("respondentOrganisationId", "directory.unknown_organisation", "Такой организации нет в справочнике.");
            else if (kind is not AppealKind.Complaint)
                e.Add("respondentOrganisationId", "appeal.respondent_not_complaint", "Орган, на действия которого подана жалоба, указывается только для жалобы.");
        }

        if (regime is LegalRegime.Obrashchenie59 or LegalRegime.PlatformMessage && IntakeActor.OpenChannels.Contains(channel) && actor.PersonId is null)
            e.Add("applicant", "intake.identification_required",
                "Электронное обращение по 59-ФЗ или сообщение ПОС принимается только от заявителя, прошедшего идентификацию: войдите в личный кабинет.");

        Guid? territoryId = r.TerritoryId;
        if (r.Latitude is { } lat && r.Longitude is { } lon && !e.Any)
        {
            territoryId = await locator.LocateAsync(lat, lon, ct);
            if (territoryId is null)
                e.Add("latitude", "location.outside_territories", "Точка на карте не попадает ни в одну территорию региона.");
        }
        else if (territoryId is { } tid && !await db.Territories.AnyAsync(t => t.Id == tid && t.Kind == TerritoryKind.Municipality, ct))
            e.Add("territoryId", "catalogue.unknown_territory", "Такой территории нет.");

        if (r.AttachmentIds is { Length: > 0 } ids)
        {
            if (ids.Length > ContentSniffer.MaxPerAppeal)
                e.Add("attachmentIds", "attachments.too_many", $"Не больше {ContentSniffer.MaxPerAppeal} файлов.");
            var distinct = ids.Distinct().ToArray();
            var usable = await db.Attachments.CountAsync(a => distinct.Contains(a.Id) && a.AppealId == null && a.UploadedById == actor.PersonId
                && a.Purpose == AttachmentPurpose.Appeal, ct);
            if (usable != distinct.Length || distinct.Length != ids.Length)
                e.Add("attachmentIds", "attachments.unknown", "Некоторые файлы не найдены или уже прикреплены к другому обращению.");
        }
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);

        var owner = await OwnerOrganisationAsync(db, territoryId, ct);
        var isOperatorEntry = !IntakeActor.OpenChannels.Contains(channel);
        var applicant = r.Applicant ?? new ApplicantInfo { Kind = ApplicantKind.Anonymous };
        Trim(applicant);
        return new Appeal.Draft(r.Type!.Value, kind!.Value, regime!.Value, channel, r.ChannelMessageId?.Trim(), applicant,
            isOperatorEntry ? null : actor.PersonId, isOperatorEntry ? actor.PersonId : null,
            r.CategoryId!.Value, r.TopicId, territoryId, r.Address?.Trim(), r.Latitude, r.Longitude, r.Text!.Trim(),
            r.IsPublic, r.PublicationConsent, owner, null, null, r.Priority ?? AppealPriority.Normal, r.RespondentOrganisationId);
    }

    /// <summary>How far back a channel's received date may go: a letter older than an answer term was not just received.</summary>
    public static readonly TimeSpan MaxReceivedAge = TimeSpan.FromDays(30);

    /// <summary>A clock skew allowance: a worker's "now" a little ahead of ours is not the future.</summary>
    static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The channel's own received date: only an operator, a channel worker or the system states it (an applicant's appeal is
    /// received when sent); never in the future, never older than <see cref="MaxReceivedAge"/> (except for the system's import).
    /// </summary>
    static void CheckReceivedAt(InputErrors e, IntakeApi.SubmitRequest r, IntakeActor actor, DateTime nowUtc)
    {
        if (r.ReceivedAtUtc is not { } at) return;
        if (actor.Kind == IntakeActorKind.Person)
            e.Add("receivedAtUtc", "intake.received_by_applicant", "Дату поступления указывает оператор или канал, принявший обращение.");
        else if (Utc(at) > nowUtc + Skew)
            e.Add("receivedAtUtc", "intake.received_in_future", "Дата поступления не может быть позже текущего момента.");
        // The system bringing in an old registry (a Redmine import, ADR 0026) states the record's real date, however old.
        else if (Utc(at) < nowUtc - MaxReceivedAge && actor.Kind != IntakeActorKind.System)
            e.Add("receivedAtUtc", "intake.received_too_old",
                $"Дата поступления — не раньше чем {MaxReceivedAge.TotalDays:0} дней назад; более старое письмо регистрируется с пометкой в тексте.");
    }

    /// <summary>The received instant if it is earlier than now; otherwise now (a moment ahead within the skew is now).</summary>
    static DateTime? ReceivedAt(IntakeApi.SubmitRequest r, DateTime nowUtc)
    {
        if (r.ReceivedAtUtc is not { } at) return null;
        var utc = Utc(at);
        utc = utc.AddTicks(-(utc.Ticks % 10));
        return utc < nowUtc ? utc : null;
    }

    /// <summary>A time without a zone is taken as UTC (the field's name says so), never as the server's local time.</summary>
    static DateTime Utc(DateTime at) => at.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : at.ToUniversalTime();

    static void Trim(ApplicantInfo a)
    {
        a.LastName = a.LastName?.Trim(); a.FirstName = a.FirstName?.Trim(); a.MiddleName = a.MiddleName?.Trim();
        a.Email = a.Email?.Trim(); a.Phone = a.Phone?.Trim(); a.PostalAddress = a.PostalAddress?.Trim();
        a.OrganisationName = a.OrganisationName?.Trim(); a.RepresentativeName = a.RepresentativeName?.Trim();
    }

    /// <summary>The territory's own centre moderates, or else the region's centre of management: the one nearest the root.</summary>
    static async Task<Guid> OwnerOrganisationAsync(AppDbContext db, Guid? territoryId, CancellationToken ct)
    {
        if (territoryId is not null
            && await db.Territories.Where(t => t.Id == territoryId).Select(t => t.ModeratorOrganisationId).SingleOrDefaultAsync(ct) is { } local)
            return local;
        return await db.Organisations.Where(o => o.Kind == OrganisationKind.CentreOfManagement && o.ParentId != null)
                   .OrderBy(o => o.Path.Length).ThenBy(o => o.Path).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct)
               ?? throw new RuleException("intake.no_centre", "В справочнике нет центра управления региона: обращение некому модерировать.");
    }

    static string RequestHash(IntakeApi.SubmitRequest request, IntakeActor actor) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(actor.HashKey + "|" + JsonSerializer.Serialize(request, Json.Options))));
}
