using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Channels;
using Otklik.Infrastructure;

namespace Otklik.Features.Administration;

/// <summary>
/// The channels of intake (issue 18 item 6, ADR 0021): each configured mailbox switched on or off, its last letter, its
/// last error and outage, and its quarantine — each held letter with the reason, released (taken again by the next poll,
/// the size limit lifted) or dropped. The region's administrator only: mailboxes serve the whole region.
/// </summary>
public sealed class ChannelsModel(AppDbContext db, CurrentUser user, MailIntakeSettings settings) : AdminPage(db, user)
{
    protected override bool RegionOnly => true;

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
