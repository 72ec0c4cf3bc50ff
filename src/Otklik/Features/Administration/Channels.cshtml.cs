using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using System.Globalization;
using Otklik.Features.Channels;
using Otklik.Features.Identity;
using Otklik.Features.Mail;
using Otklik.Features.Social;
using Otklik.Infrastructure;

namespace Otklik.Features.Administration;

/// <summary>
/// The channels of intake (issue 18 item 6, ADR 0021): every channel in one table — the mailboxes, the Telegram bot, the
/// VK community, the incident collectors and the hotline's PBX — switched on or off, configured or not (and what is
/// missing), its last message, its last error and outage, and its queue (replies waiting to go back, letters held).
/// Below, each mailbox's quarantine — each held letter with the reason, released (taken again by the next poll, the
/// size limit lifted) or dropped. Times are the region's (its root organisation's zone). The region's administrator only.
/// </summary>
public sealed class ChannelsModel(AppDbContext db, CurrentUser user, MailIntakeSettings settings, TelegramSettings telegram, VkSettings vk,
    IConfiguration config) : AdminPage(db, user)
{
    protected override bool RegionOnly => true;

    /// <summary>One channel's line: <paramref name="Switch"/> is the name the on/off form posts (null: not switched here).</summary>
    public sealed record Row(string Id, string Label, string? Switch, string? Mailbox, bool On, IReadOnlyList<string> Missing, string? Note,
        DateTime? LastReceivedUtc, DateTime? FailingSinceUtc, DateTime? LastErrorUtc, string? LastError, string Queue);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    [BindProperty] public string? Channel { get; set; }

    /// <summary>A moment in the region's own zone.</summary>
    public string Local(DateTime? utc) => utc is { } t
        ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(t, DateTimeKind.Utc), Zone).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture)
        : "—";

    public async Task<IActionResult> OnPostSwitchAsync(CancellationToken ct)
    {
        if (Channel is not { } name || !ChannelStates.All.Contains(name)) return NotFound();
        var state = await Db.ChannelStates.SingleOrDefaultAsync(s => s.Name == name, ct);
        if (state is null) Db.ChannelStates.Add(state = new ChannelState { Name = name });
        state.SwitchedOff = !state.SwitchedOff;
        await Db.SaveChangesAsync(ct);
        var label = ChannelStates.Label(name);
        return Redirect("/office/admin/channels?done=" + Uri.EscapeDataString(!state.SwitchedOff
            ? $"Канал «{label}» включён."
            : $"Канал «{label}» выключен: сообщения не теряются — отправитель повторит их, когда канал включат."));
    }

    public sealed record Box(MailboxSettings Settings, MailboxState? State, int Appeals, int Ignored, IReadOnlyList<IncomingLetter> Quarantine);

    public IReadOnlyList<Box> Boxes { get; private set; } = [];
    public int PollSeconds => settings.PollSeconds;
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }
    [BindProperty] public string? Mailbox { get; set; }
    [BindProperty] public Guid? LetterId { get; set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostToggleAsync(CancellationToken ct)
    {
        if (settings.Find(Mailbox ?? "") is not { } box) return NotFound();
        var state = await Db.MailboxStates.SingleOrDefaultAsync(s => s.Name == box.Name, ct);
        if (state is null) Db.MailboxStates.Add(state = new MailboxState { Name = box.Name });
        state.Enabled = !state.Enabled;
        state.Version++;
        await Db.SaveChangesAsync(ct);
        return Redirect("/office/admin/channels?done=" + Uri.EscapeDataString(state.Enabled ? $"Ящик «{box.Name}» включён." : $"Ящик «{box.Name}» выключен: письма ждут на сервере."));
    }

    public Task<IActionResult> OnPostReleaseAsync(CancellationToken ct) => DecideAsync(true, ct);

    public Task<IActionResult> OnPostDropAsync(CancellationToken ct) => DecideAsync(false, ct);

    async Task<IActionResult> DecideAsync(bool release, CancellationToken ct)
    {
        var letter = await Db.IncomingLetters.SingleOrDefaultAsync(l => l.Id == LetterId && l.Outcome == LetterOutcome.Quarantined, ct);
        if (letter is null) return NotFound();
        if (release) letter.ReleaseRequested = true;
        else { letter.Outcome = LetterOutcome.Dropped; letter.ReleaseRequested = false; }
        await Db.SaveChangesAsync(ct);
        return Redirect("/office/admin/channels?done=" + Uri.EscapeDataString(release
            ? $"Письмо «{letter.Subject}» выпущено: оно будет принято при следующем чтении ящика."
            : $"Письмо «{letter.Subject}» удалено из карантина и не станет обращением."));
    }

    async Task LoadAsync(CancellationToken ct)
    {
        var zone = await Db.Organisations.AsNoTracking().Where(o => o.ParentId == null).OrderBy(o => o.Path).Select(o => o.TimeZone).FirstOrDefaultAsync(ct);
        Zone = Directory.TimeZones.Find(zone ?? "Europe/Moscow");
        await LoadBoxesAsync(ct);
        var channelStates = await Db.ChannelStates.AsNoTracking().ToDictionaryAsync(s => s.Name, ct);
        // Replies waiting to go back to a chat or a post, and those the outbox gave up on, by the thread's channel.
        var replies = await Db.Outbox.AsNoTracking().Where(m => m.Type == MessageTypes.ChannelReply.Name && (m.ProcessedAtUtc == null || m.LastError!.StartsWith("Отправка прекращена")))
            .Join(Db.ChannelThreads, m => m.AppealId, t => t.AppealId, (m, t) => new { t.Channel, t.Network, Waiting = m.ProcessedAtUtc == null })
            .GroupBy(x => new { x.Channel, x.Network, x.Waiting }).Select(g => new { g.Key.Channel, g.Key.Network, g.Key.Waiting, Count = g.Count() }).ToListAsync(ct);
        string StateOf(Appeals.Channel channel, string network) =>
            channel == Appeals.Channel.Telegram ? ChannelStates.Telegram : network is "vk-message" or "vk-wall" ? ChannelStates.Vk : ChannelStates.Incidents;
        string Queue(string name, bool replies_ = true)
        {
            var s = channelStates.GetValueOrDefault(name);
            var waiting = replies.Where(r => r.Waiting && StateOf(r.Channel, r.Network) == name).Sum(r => r.Count);
            var given = replies.Where(r => !r.Waiting && StateOf(r.Channel, r.Network) == name).Sum(r => r.Count);
            var parts = new List<string> { $"принято: {s?.Received ?? 0}", $"отклонено: {s?.Refused ?? 0}" };
            if (replies_) parts.Add($"ответов ждут отправки: {waiting}" + (given > 0 ? $", не доставлено после всех попыток: {given}" : ""));
            return string.Join("; ", parts);
        }
        var keys = await Db.ApiKeys.AsNoTracking().Where(k => k.RevokedAtUtc == null && k.Scope != null).Select(k => k.Scope!).Distinct().ToListAsync(ct);

        var rows = new List<Row>();
        foreach (var b in Boxes)
        {
            var m = b.Settings;
            var missing = new List<string>();
            if (string.IsNullOrWhiteSpace(m.Host)) missing.Add("адрес сервера IMAP (Host)");
            if (string.IsNullOrWhiteSpace(m.User)) missing.Add("имя пользователя (User)");
            if (string.IsNullOrWhiteSpace(m.Password)) missing.Add("пароль (Password)");
            if (string.IsNullOrWhiteSpace(m.From)) missing.Add("адрес, от которого уходят ответы (From)");
            rows.Add(new($"mail-{m.Name}", $"Почта «{m.Name}»", null, m.Name, b.State?.Enabled ?? true, missing, m.User, b.State?.LastLetterAtUtc,
                b.State?.FailingSinceUtc, b.State?.LastErrorAtUtc, b.State?.LastError,
                $"обращений и ответов: {b.Appeals}; пропущено автоответов и рассылок: {b.Ignored}; в карантине: {b.Quarantine.Count}"));
        }
        if (Boxes.Count == 0)
            rows.Add(new("mail", "Электронная почта", null, null, false, ["ни одного почтового ящика (Otklik:MailIntake:Mailboxes)"], null, null, null, null, null, "—"));

        var tg = new List<string>();
        if (string.IsNullOrWhiteSpace(telegram.Token)) tg.Add("токен бота (Otklik:Telegram:Token)");
        if (string.IsNullOrWhiteSpace(telegram.WebhookSecret)) tg.Add("секрет вебхука (Otklik:Telegram:WebhookSecret)");
        rows.Add(Of(ChannelStates.Telegram, tg, string.IsNullOrWhiteSpace(telegram.BotName)
            ? "имя бота (Otklik:Telegram:BotName) не задано — портал не покажет ссылку на бота" : "@" + telegram.BotName, Queue(ChannelStates.Telegram)));

        var v = new List<string>();
        if (vk.GroupId == 0) v.Add("номер сообщества (Otklik:Vk:GroupId)");
        if (string.IsNullOrWhiteSpace(vk.Secret)) v.Add("секретный ключ Callback API (Otklik:Vk:Secret)");
        if (string.IsNullOrWhiteSpace(vk.Confirmation)) v.Add("строка подтверждения сервера (Otklik:Vk:Confirmation)");
        if (string.IsNullOrWhiteSpace(vk.Token)) v.Add("ключ доступа сообщества для ответов (Otklik:Vk:Token)");
        rows.Add(Of(ChannelStates.Vk, v, vk.GroupId == 0 ? null : $"сообщество {vk.GroupId.ToString(CultureInfo.InvariantCulture)}", Queue(ChannelStates.Vk)));

        var inc = new List<string>();
        if (!keys.Contains(ApiScopes.Incidents)) inc.Add("ключ API с областью «incidents» для сборщика (страница «Ключи API»)");
        rows.Add(Of(ChannelStates.Incidents, inc, config["Otklik:Incidents:CategoryId"] is { Length: > 0 } ? null
            : "категория по умолчанию (Otklik:Incidents:CategoryId) не задана — посты без категории ждут её у модератора", Queue(ChannelStates.Incidents)));

        var tel = new List<string>();
        if (!keys.Contains(ApiScopes.Telephony)) tel.Add("ключ API с областью «telephony» для АТС (страница «Ключи API»)");
        rows.Add(Of(ChannelStates.Telephony, tel, "звонки открывают экран оператора «Входящий звонок»", Queue(ChannelStates.Telephony, false).Replace("принято", "звонков", StringComparison.Ordinal)));
        Rows = rows;

        Row Of(string name, List<string> missing, string? note, string queue)
        {
            var s = channelStates.GetValueOrDefault(name);
            return new(name, ChannelStates.Label(name), name, null, !(s?.SwitchedOff ?? false), missing, note, s?.LastReceivedAtUtc, s?.FailingSinceUtc, s?.LastErrorAtUtc, s?.LastError, queue);
        }
    }

    async Task LoadBoxesAsync(CancellationToken ct)
    {
        var names = settings.Mailboxes.Select(m => m.Name).ToList();
        var states = await Db.MailboxStates.AsNoTracking().Where(s => names.Contains(s.Name)).ToDictionaryAsync(s => s.Name, ct);
        var counts = await Db.IncomingLetters.AsNoTracking().Where(l => names.Contains(l.Mailbox)).GroupBy(l => new { l.Mailbox, l.Outcome })
            .Select(g => new { g.Key.Mailbox, g.Key.Outcome, Count = g.Count() }).ToListAsync(ct);
        var held = await Db.IncomingLetters.AsNoTracking().Where(l => names.Contains(l.Mailbox) && l.Outcome == LetterOutcome.Quarantined)
            .OrderByDescending(l => l.TakenAtUtc).Take(200).ToListAsync(ct);
        Boxes = [.. settings.Mailboxes.Select(m => new Box(m, states.GetValueOrDefault(m.Name),
            counts.Where(c => c.Mailbox == m.Name && c.Outcome is LetterOutcome.Appeal or LetterOutcome.Reply).Sum(c => c.Count),
            counts.Where(c => c.Mailbox == m.Name && c.Outcome == LetterOutcome.Ignored).Sum(c => c.Count),
            [.. held.Where(l => l.Mailbox == m.Name)]))];
    }
}
