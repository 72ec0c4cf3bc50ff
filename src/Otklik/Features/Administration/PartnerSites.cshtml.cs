using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Partners;
using Otklik.Infrastructure;

namespace Otklik.Features.Administration;

/// <summary>
/// Partner sites (issue 19, item 4; docs/integrations.md): the region administrator registers a site that embeds the
/// appeal form — its organisation, the topics offered, the origins allowed to frame it, its hourly limit — and
/// switches it off and on. The embed code to give the site is shown with each row.
/// </summary>
public sealed partial class PartnerSitesModel(AppDbContext db, CurrentUser user, TimeProvider clock, PublicUrl publicUrl) : AdminPage(db, user)
{
    protected override bool RegionOnly => true;

    public sealed record SiteRow(PartnerSite Site, string Organisation, string Topics, int Appeals);

    public IReadOnlyList<SiteRow> Sites { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Organisations { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> TopicChoices { get; private set; } = [];
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Key { get; set; }
    [BindProperty] public Guid? OrganisationId { get; set; }
    [BindProperty] public List<Guid> TopicIds { get; set; } = [];
    [BindProperty] public string? Origins { get; set; }
    [BindProperty] public int HourlyLimit { get; set; } = 30;
    [BindProperty] public Guid? Id { get; set; }

    /// <summary>The script tag a site puts where the form should stand, from the configured public address.</summary>
    public string ScriptTag(PartnerSite site) => $"<script src=\"{new Uri(publicUrl.Root, "/embed.js")}\" data-site=\"{site.Key}\" async></script>";

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var name = Name?.Trim();
        var key = Key?.Trim().ToLowerInvariant() ?? "";
        if (string.IsNullOrEmpty(name) || name.Length > 200) Errors["name"] = "Назовите сайт (до 200 символов).";
        if (!KeyPattern().IsMatch(key)) Errors["key"] = "Ключ — от 3 до 60 латинских строчных букв, цифр и дефисов, например invest-portal.";
        else if (await Db.PartnerSites.AnyAsync(s => s.Key == key, ct)) Errors["key"] = "Сайт с таким ключом уже есть.";
        if (OrganisationId is not { } orgId || !await Db.Organisations.AnyAsync(o => o.Id == orgId && o.IsConnected, ct))
            Errors["organisation"] = "Выберите организацию, которая отвечает на обращения с сайта.";
        var topics = TopicIds.Distinct().ToList();
        var known = await Db.Topics.Where(t => topics.Contains(t.Id) && t.IsActive).Select(t => t.Id).ToListAsync(ct);
        if (topics.Count == 0 || known.Count != topics.Count) Errors["topics"] = "Отметьте хотя бы одну действующую тему.";
        var origins = (Origins ?? "").Split(['\n', '\r', ' ', ','], StringSplitOptions.RemoveEmptyEntries).ToList();
        var normalised = origins.Select(PartnerSite.NormaliseOrigin).ToList();
        if (origins.Count == 0 || normalised.Any(o => o is null))
            Errors["origins"] = "Укажите адреса сайта, по одному в строке, в виде https://invest.example.ru (без пути).";
        if (HourlyLimit is < 1 or > 10000) Errors["limit"] = "Лимит — от 1 до 10 000 обращений в час.";
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync(ct);
            return Page();
        }
        Db.PartnerSites.Add(new PartnerSite
        {
            Id = Guid.CreateVersion7(), Key = key, Name = name!, OrganisationId = OrganisationId!.Value, TopicIds = string.Join(',', topics),
            AllowedOrigins = string.Join(' ', normalised.Distinct()), HourlyLimit = HourlyLimit, CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
        });
        await Db.SaveChangesAsync(ct);
        return Redirect("/office/admin/partner-sites?done=" + Uri.EscapeDataString($"Сайт «{name}» зарегистрирован: передайте ему код встраивания из таблицы."));
    }

    public async Task<IActionResult> OnPostToggleAsync(CancellationToken ct)
    {
        var site = await Db.PartnerSites.SingleOrDefaultAsync(s => s.Id == Id, ct);
        if (site is null) return NotFound();
        site.IsActive = !site.IsActive;
        await Db.SaveChangesAsync(ct);
        return Redirect("/office/admin/partner-sites?done=" + Uri.EscapeDataString(site.IsActive ? $"Форма на сайте «{site.Name}» включена." : $"Форма на сайте «{site.Name}» отключена: она больше не принимает обращения."));
    }

    async Task LoadAsync(CancellationToken ct)
    {
        Organisations = [.. (await Db.Organisations.AsNoTracking().Where(o => o.IsConnected).OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync(ct))
            .Select(o => (o.Id, o.Name))];
        TopicChoices = [.. (await Db.Topics.AsNoTracking().Where(t => t.IsActive).OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(ct))
            .Select(t => (t.Id, t.Name))];
        var sites = await Db.PartnerSites.AsNoTracking().OrderByDescending(s => s.IsActive).ThenBy(s => s.Name).ToListAsync(ct);
        var counts = await Db.PartnerSiteAppeals.GroupBy(a => a.SiteId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var orgNames = Organisations.ToDictionary(o => o.Id, o => o.Name);
        var topicNames = await Db.Topics.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        Sites = [.. sites.Select(s => new SiteRow(s, orgNames.GetValueOrDefault(s.OrganisationId, "—"),
            string.Join(", ", s.Topics.Select(t => topicNames.GetValueOrDefault(t, "—"))), counts.GetValueOrDefault(s.Id)))];
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{2,59}$")]
    private static partial Regex KeyPattern();
}
