using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Webhooks;
using Otklik.Infrastructure;

namespace Otklik.Features.Administration;

/// <summary>
/// Webhooks for integrators (docs/integrations.md): the region administrator registers a subscriber's URL and events
/// and gets its signing secret once; the deliveries and failures are listed here, and any of them can be sent again.
/// </summary>
public sealed class WebhooksModel(AppDbContext db, CurrentUser user, TimeProvider clock, WebhookDispatcher dispatcher) : AdminPage(db, user)
{
    protected override bool RegionOnly => true;

    public sealed record DeliveryRow(WebhookDelivery Delivery, string Subscriber, string Number);

    public IReadOnlyList<WebhookSubscription> Subscriptions { get; private set; } = [];
    public IReadOnlyList<DeliveryRow> Deliveries { get; private set; } = [];
    public int FailedCount { get; private set; }
    [BindProperty(SupportsGet = true)] public bool Failed { get; set; }
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Address { get; set; }
    [BindProperty] public List<string> Events { get; set; } = [];
    [BindProperty] public Guid? Id { get; set; }
    /// <summary>The new subscription's secret: on this one answer only.</summary>
    public string? IssuedSecret { get; private set; }
    public string? IssuedName { get; private set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var name = Name?.Trim();
        var url = Address?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200) Errors["name"] = "Назовите подписчика (до 200 символов): кто принимает события.";
        if (url is null || url.Length > 500 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(uri.UserInfo))
            Errors["url"] = "Адрес — полный URL, начинающийся с https:// (до 500 символов, без логина и пароля).";
        var events = Events.Where(e => WebhookEvents.All.Any(a => a.Name == e)).Distinct().ToList();
        if (events.Count == 0) Errors["events"] = "Отметьте хотя бы одно событие.";
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync(ct);
            return Page();
        }
        var secret = WebhookSubscription.NewSecret();
        Db.WebhookSubscriptions.Add(new WebhookSubscription
        {
            Id = Guid.CreateVersion7(), Name = name!, Url = url!, Events = string.Join(',', WebhookEvents.All.Select(e => e.Name).Where(events.Contains)),
            ProtectedSecret = dispatcher.Protector.Protect(secret), CreatedAtUtc = clock.GetUtcNow().UtcDateTime, CreatedById = Me.Id,
        });
        await Db.SaveChangesAsync(ct);
        // The secret must not stay in a browser's cache or history.
        Response.Headers.CacheControl = "no-store";
        (IssuedSecret, IssuedName, Name, Address) = (secret, name, null, null);
        Events = [];
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDisableAsync(CancellationToken ct)
    {
        var changed = await Db.WebhookSubscriptions.Where(s => s.Id == Id && s.IsActive).ExecuteUpdateAsync(s => s.SetProperty(x => x.IsActive, false), ct);
        if (changed == 0) return NotFound();
        return Redirect("/office/admin/webhooks?done=" + Uri.EscapeDataString("Подписка отключена: новые события ей больше не отправляются."));
    }

    public async Task<IActionResult> OnPostResendAsync(CancellationToken ct)
    {
        if (Id is not { } id || !await WebhookDispatcher.ResendAsync(Db, id, clock.GetUtcNow().UtcDateTime, ct)) return NotFound();
        return Redirect("/office/admin/webhooks?done=" + Uri.EscapeDataString("Доставка поставлена в очередь: она уйдёт в течение минуты с тем же идентификатором."));
    }

    async Task LoadAsync(CancellationToken ct)
    {
        Subscriptions = await Db.WebhookSubscriptions.AsNoTracking().OrderByDescending(s => s.IsActive).ThenBy(s => s.Name).ToListAsync(ct);
        var names = Subscriptions.ToDictionary(s => s.Id, s => s.Name);
        FailedCount = await Db.WebhookDeliveries.CountAsync(d => d.FailedAtUtc != null, ct);
        var query = Db.WebhookDeliveries.AsNoTracking();
        if (Failed) query = query.Where(d => d.FailedAtUtc != null);
        var deliveries = await query.OrderByDescending(d => d.CreatedAtUtc).ThenByDescending(d => d.Sequence).Take(100).ToListAsync(ct);
        var appealIds = deliveries.Select(d => d.AppealId).Distinct().ToList();
        var numbers = await Db.Appeals.AsNoTracking().Where(a => appealIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Number, ct);
        Deliveries = [.. deliveries.Select(d => new DeliveryRow(d, names.GetValueOrDefault(d.SubscriptionId, "—"), numbers.GetValueOrDefault(d.AppealId, "—")))];
    }
}
