using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Administration;

/// <summary>
/// Letters the outbox could not deliver (issue 21 item 5): those being retried and those given up, with their error,
/// and a resend for a given-up one. The outbox serves the whole region (every organisation's letters and the portal's
/// account letters), so only the region's administrator sees it. A resend is one more attempt, through the dispatcher
/// like any letter (so it is claimed and sent once); a letter that carried a one-time link was erased when given up
/// and cannot be resent — the person asks for a new link.
/// </summary>
public sealed class LettersModel(AppDbContext db, CurrentUser user, TimeProvider clock, OutboxDispatcher dispatcher) : AdminPage(db, user)
{
    protected override bool RegionOnly => true;

    /// <summary>The note the dispatcher writes on a letter it gave up (see <see cref="OutboxDispatcher"/>).</summary>
    public const string GivenUpPrefix = "Отправка прекращена";

    public sealed record Row(OutboxMessage Message, string Title, string? Number, bool GivenUp, bool CanResend);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }
    [BindProperty] public Guid? MessageId { get; set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostResendAsync(CancellationToken ct)
    {
        var message = await Db.Outbox.AsNoTracking().SingleOrDefaultAsync(m => m.Id == MessageId, ct);
        if (message is null) return NotFound();
        if (!IsGivenUp(message) || MailComposer.CarriesSecret(message.Type))
        {
            Message = MailComposer.CarriesSecret(message.Type)
                ? "Письмо с одноразовой ссылкой повторно не отправляется: пусть человек запросит новую ссылку."
                : "Это письмо не отложено окончательно: оно уже ждёт повторной отправки.";
            Response.StatusCode = StatusCodes.Status409Conflict;
            await LoadAsync(ct);
            return Page();
        }
        // Back to the queue as a due letter; its attempt count keeps growing (it is the claim's token), so the next
        // failure gives it up again at once instead of starting twenty more attempts.
        var lastError = message.LastError;
        await Db.Outbox.Where(m => m.Id == message.Id && m.ProcessedAtUtc != null && m.LastError == lastError)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAtUtc, (DateTime?)null).SetProperty(m => m.LockedUntilUtc, (DateTime?)null)
                .SetProperty(m => m.LastError, $"Повторная отправка поставлена в очередь {clock.GetUtcNow().UtcDateTime:dd.MM.yyyy HH:mm} UTC."), ct);
        dispatcher.Nudge();
        return Redirect("/office/admin/letters?done=" + Uri.EscapeDataString("Письмо поставлено в очередь на отправку."));
    }

    static bool IsGivenUp(OutboxMessage m) => m.ProcessedAtUtc != null && m.LastError != null && m.LastError.StartsWith(GivenUpPrefix, StringComparison.Ordinal);

    async Task LoadAsync(CancellationToken ct)
    {
        var rows = await Db.Outbox.AsNoTracking()
            .Where(m => m.LastError != null && (m.ProcessedAtUtc == null || m.LastError.StartsWith(GivenUpPrefix)))
            .OrderByDescending(m => m.CreatedAtUtc).Take(200).ToListAsync(ct);
        var appealIds = rows.Where(m => m.AppealId != null).Select(m => m.AppealId!.Value).Distinct().ToList();
        var numbers = await Db.Appeals.AsNoTracking().Where(a => appealIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Number, ct);
        Rows = [.. rows.Select(m => new Row(m, MessageTypes.Find(m.Type)?.Title ?? m.Type,
            m.AppealId is { } id ? numbers.GetValueOrDefault(id) : null, IsGivenUp(m), IsGivenUp(m) && !MailComposer.CarriesSecret(m.Type)))];
    }
}
