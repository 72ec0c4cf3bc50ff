using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Analytics;

/// <summary>
/// Targeted informing (<c>/office/analytics/informing</c>): choose a territory, a topic, a period of receipt or a root
/// cause's followers; «Посчитать» previews how many addresses will get the letter and how many gave no consent; «Отправить»
/// queues the letters (InformingSweep sends them); the list shows each campaign's progress, delivered and failed.
/// For those who manage root causes (analyst, controller, administrator), over the appeals they see.
/// </summary>
[Authorize]
public sealed class InformingModel(AppDbContext db, CurrentUser user, TimeProvider clock, ClusterSignals signals) : PageModel
{
    public sealed record Row(Guid Id, string Subject, DateTime CreatedAtUtc, int Total, int Sent, int Failed, int WithoutConsent, bool Finished, DateOnly? OnMapUntil)
    {
        /// <summary>Delivered and failed per channel, for the report.</summary>
        public Dictionary<InformingChannel, (int Sent, int Failed)> ByChannel { get; init; } = [];
        /// <summary>Why the failed ones failed: channel, the reason as the channel gave it, how many.</summary>
        public List<(InformingChannel Channel, string Reason, int Count)> Reasons { get; init; } = [];
    }

    /// <summary>The channels a person can choose, as the form names them.</summary>
    public static readonly IReadOnlyDictionary<string, InformingChannel> ChannelNames =
        new Dictionary<string, InformingChannel>(StringComparer.Ordinal) { ["email"] = InformingChannel.Email, ["push"] = InformingChannel.Push, ["telegram"] = InformingChannel.Telegram };

    [BindProperty] public string? Subject { get; set; }
    [BindProperty] public string? Text { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? TerritoryId { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? TopicId { get; set; }
    [BindProperty(SupportsGet = true)] public string? FromOn { get; set; }
    [BindProperty(SupportsGet = true)] public string? ToOn { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? RootCauseId { get; set; }
    /// <summary>Show the message on the portal's map through this date (ГГГГ-ММ-ДД); empty — letters only.</summary>
    [BindProperty] public string? OnMapUntil { get; set; }
    /// <summary>email, push, telegram (any of them); none chosen — e-mail, as before the other channels.</summary>
    [BindProperty] public List<string> Channels { get; set; } = [];

    public HashSet<InformingChannel> Chosen { get; private set; } = [InformingChannel.Email];

    public Informing.Preview? Preview { get; private set; }
    public List<Row> Campaigns { get; private set; } = [];
    public List<(Guid Id, string Title)> Causes { get; private set; } = [];
    public ListDirectory Names { get; private set; } = null!;
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public string? Error { get; private set; }
    public string? ErrorField { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await MayAsync(ct)) return Forbid();
        await LoadAsync(ct);
        return Page();
    }

    public Task<IActionResult> OnPostPreviewAsync(CancellationToken ct) => Run(async (target, offset) =>
    {
        Preview = await Informing.PreviewAsync(db, await AppealAccess.VisibleAsync(db, user, ct), target, offset, ct);
        await LoadAsync(ct);
        return Page();
    }, ct);

    public Task<IActionResult> OnPostSendAsync(CancellationToken ct) => Run(async (target, offset) =>
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime + offset);
        DateOnly? onMap = null;
        if (!string.IsNullOrWhiteSpace(OnMapUntil))
        {
            if (!DateOnly.TryParseExact(OnMapUntil.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var until))
                throw new InputException("onMapUntil", "request.invalid_date", "Дата в виде ГГГГ-ММ-ДД.");
            if (target.TerritoryId is null)
                throw new InputException("onMapUntil", "informing.map_territory", "На карте сообщение показывается у территории: выберите территорию.");
            if (until < today) throw new InputException("onMapUntil", "informing.map_past", "Дата показа не раньше сегодняшней.");
            if (until > today.AddDays(Informing.MaxDaysOnMap))
                throw new InputException("onMapUntil", "informing.map_long", $"На карте — не дольше {Informing.MaxDaysOnMap} дней.");
            onMap = until;
        }
        var subject = (Subject ?? "").Trim();
        var text = (Text ?? "").Trim();
        if (subject.Length == 0) throw new InputException("subject", "request.required", "Укажите тему письма.");
        if (subject.Length > InformingCampaign.MaxSubject) throw new InputException("subject", "request.too_long", $"Не длиннее {InformingCampaign.MaxSubject} знаков.");
        if (text.Length == 0) throw new InputException("text", "request.required", "Напишите текст сообщения.");
        if (text.Length > InformingCampaign.MaxText) throw new InputException("text", "request.too_long", $"Не длиннее {InformingCampaign.MaxText} знаков.");
        var preview = await Informing.PreviewAsync(db, await AppealAccess.VisibleAsync(db, user, ct), target, offset, ct);
        var byEmail = Chosen.Contains(InformingChannel.Email) ? preview.Consented : [];
        var byPush = Chosen.Contains(InformingChannel.Push) ? preview.Push : [];
        var byTelegram = Chosen.Contains(InformingChannel.Telegram) ? preview.Telegram : [];
        var count = byEmail.Count + byPush.Count + byTelegram.Count;
        // The map reaches everyone; the channels only those who agreed. Nothing to deliver at all is refused.
        if (count == 0 && onMap is null)
            throw new InputException("territoryId", "informing.nobody", "Нет получателей, согласных на рассылку.");
        var now = clock.GetUtcNow().UtcDateTime;
        var campaign = new InformingCampaign
        {
            Id = Guid.CreateVersion7(), Subject = subject, Text = text, TerritoryId = target.TerritoryId, TopicId = target.TopicId, FromOn = target.FromOn,
            ToOn = target.ToOn, RootCauseId = target.RootCauseId, CreatedById = user.RequiredId, CreatedAtUtc = now, WithoutConsent = preview.WithoutConsent,
            OnMapUntil = onMap, FinishedAtUtc = count == 0 ? now : null,
        };
        foreach (var email in byEmail)
            campaign.Recipients.Add(new InformingRecipient { Id = Guid.CreateVersion7(), CampaignId = campaign.Id, Email = email, State = InformingState.Pending });
        foreach (var person in byPush)
            campaign.Recipients.Add(new InformingRecipient { Id = Guid.CreateVersion7(), CampaignId = campaign.Id, Channel = InformingChannel.Push, PersonId = person, State = InformingState.Pending });
        foreach (var (person, chat) in byTelegram)
            campaign.Recipients.Add(new InformingRecipient
            {
                Id = Guid.CreateVersion7(), CampaignId = campaign.Id, Channel = InformingChannel.Telegram, PersonId = person, ChatId = chat, State = InformingState.Pending,
            });
        db.InformingCampaigns.Add(campaign);
        await db.SaveChangesAsync(ct);
        // The map is an output-cached public list: every node forgets it now, not in five minutes.
        if (onMap is not null) signals.Publish(ClusterSignals.PublicPage);
        return Redirect("/office/analytics/informing");
    }, ct);

    async Task<IActionResult> Run(Func<Informing.Target, TimeSpan, Task<IActionResult>> action, CancellationToken ct)
    {
        if (!await MayAsync(ct)) return Forbid();
        try
        {
            var names = await ListDirectory.LoadAsync(db, ct);
            var zone = await names.ZoneOfAsync(user, ct);
            DateOnly? Date(string field, string? value) =>
                string.IsNullOrWhiteSpace(value) ? null
                : DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
                : throw new InputException(field, "request.invalid_date", "Дата в виде ГГГГ-ММ-ДД.");
            if (Channels.Count > 0)
            {
                if (Channels.FirstOrDefault(c => !ChannelNames.ContainsKey(c ?? "")) is { } unknown)
                    throw new InputException("channels", "informing.channel", $"Неизвестный канал «{unknown}»: почта, push или Telegram.");
                Chosen = [.. Channels.Select(c => ChannelNames[c])];
            }
            if (RootCauseId is { } cause && !await (await RootCauseAccess.VisibleAsync(db, user, ct)).AnyAsync(c => c.Id == cause, ct))
                throw new InputException("rootCauseId", "request.not_found", "Первопричина не найдена среди доступных вам.");
            var target = new Informing.Target(TerritoryId, TopicId, Date("fromOn", FromOn), Date("toOn", ToOn), RootCauseId);
            return await action(target, zone.GetUtcOffset(clock.GetUtcNow().UtcDateTime));
        }
        catch (InputException e)
        {
            ErrorField = e.Errors.Keys.FirstOrDefault();
            Error = e.Message;
            await LoadAsync(ct);
            return Page();
        }
    }

    async Task<bool> MayAsync(CancellationToken ct) => (await RootCauseAccess.ManagedAsync(user, ct)).Count > 0;

    async Task LoadAsync(CancellationToken ct)
    {
        Names = await ListDirectory.LoadAsync(db, ct);
        Zone = await Names.ZoneOfAsync(user, ct);
        var me = user.RequiredId;
        // A person sees the campaigns they sent; one who sees the region sees all.
        var everywhere = await user.IsEverywhereAsync(await user.ScopeAsync(ct, AppealAccess.Viewers), ct);
        Campaigns = await db.InformingCampaigns.AsNoTracking().Where(c => everywhere || c.CreatedById == me).OrderByDescending(c => c.CreatedAtUtc).Take(100)
            .Select(c => new Row(c.Id, c.Subject, c.CreatedAtUtc, c.Recipients.Count, c.Recipients.Count(r => r.State == InformingState.Sent),
                c.Recipients.Count(r => r.State == InformingState.Failed), c.WithoutConsent, c.FinishedAtUtc != null, c.OnMapUntil)).ToListAsync(ct);
        var ids = Campaigns.Select(c => c.Id).ToList();
        var counts = await db.InformingRecipients.AsNoTracking().Where(r => ids.Contains(r.CampaignId)).GroupBy(r => new { r.CampaignId, r.Channel })
            .Select(g => new { g.Key.CampaignId, g.Key.Channel, Sent = g.Count(r => r.State == InformingState.Sent), Failed = g.Count(r => r.State == InformingState.Failed) })
            .ToListAsync(ct);
        var reasons = await db.InformingRecipients.AsNoTracking().Where(r => ids.Contains(r.CampaignId) && r.State == InformingState.Failed)
            .GroupBy(r => new { r.CampaignId, r.Channel, r.Error }).Select(g => new { g.Key.CampaignId, g.Key.Channel, g.Key.Error, Count = g.Count() }).ToListAsync(ct);
        Campaigns = [.. Campaigns.Select(c => c with
        {
            ByChannel = counts.Where(x => x.CampaignId == c.Id).ToDictionary(x => x.Channel, x => (x.Sent, x.Failed)),
            Reasons = [.. reasons.Where(x => x.CampaignId == c.Id).OrderBy(x => x.Channel).ThenByDescending(x => x.Count).Select(x => (x.Channel, x.Error ?? "причина не записана", x.Count))],
        })];
        Causes = [.. (await (await RootCauseAccess.VisibleAsync(db, user, ct)).AsNoTracking().OrderByDescending(c => c.CreatedAtUtc).Take(200)
            .Select(c => new { c.Id, c.Title }).ToListAsync(ct)).Select(c => (c.Id, c.Title))];
    }
}
