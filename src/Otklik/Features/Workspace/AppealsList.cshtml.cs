using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Execution;
using Otklik.Infrastructure;

namespace Otklik.Features.Workspace;

/// <summary>
/// Every appeal the person may see (the API's visibility rule), filtered by a GET form so that the address keeps the
/// filters, paged by keyset 50 rows at a time, exported as it stands to CSV or XLSX. The person chooses the columns
/// (kept for them on the server) and saves filters as named views, their own or shared with an organisation, shown
/// as tabs with their counts.
/// </summary>
public sealed class AppealsListModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    public AppealFilter Filter { get; private set; } = new();
    public ListSort Sort { get; private set; }
    public bool IsFirstPage { get; private set; } = true;
    public IReadOnlyList<AppealRow> Rows { get; private set; } = [];
    public string? NextLink { get; private set; }
    public string FirstLink { get; private set; } = "/office/appeals";
    public string ExportQuery { get; private set; } = "";
    public ListDirectory Directory { get; private set; } = null!;
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    /// <summary>A wrong value in the address (a hand-edited link): shown instead of the rows.</summary>
    public string? Error { get; private set; }
    public string? ErrorField { get; private set; }

    /// <summary>The columns the person chose (the number is always there).</summary>
    public IReadOnlyList<string> Columns { get; private set; } = ListColumns.Default;
    public IReadOnlyList<ViewTab> Tabs { get; private set; } = [];
    /// <summary>The filter of the page as a view would keep it.</summary>
    public string CurrentQuery { get; private set; } = "";
    /// <summary>The organisations a view can be shared with: where the person holds a staff role.</summary>
    public IReadOnlyList<(Guid Id, string Name)> MyOrganisations { get; private set; } = [];

    [BindProperty] public string? ViewName { get; set; }
    [BindProperty] public Guid? ShareWith { get; set; }
    /// <summary>A refused «save view» form: the message, next to the field it names.</summary>
    public string? ViewError { get; private set; }
    public string? ViewErrorField { get; private set; }

    // ---- Bulk actions on the rows ticked ----

    [BindProperty] public BulkAction? BulkAction { get; set; }
    [BindProperty] public List<Guid> BulkIds { get; set; } = [];
    /// <summary>"id:version" of every row shown: each ticked appeal is saved only if it has not changed since.</summary>
    [BindProperty] public List<string> Seen { get; set; } = [];
    [BindProperty] public Guid? BulkPersonId { get; set; }
    [BindProperty] public Guid? BulkOrganisationId { get; set; }
    [BindProperty] public string? BulkTag { get; set; }
    [BindProperty] public string? BulkTargetNumber { get; set; }
    public BulkResult? Bulk { get; private set; }
    public string? BulkError { get; private set; }
    public string? BulkErrorField { get; private set; }
    /// <summary>The specialists a dispatcher may assign (those of the organisations where they dispatch).</summary>
    public IReadOnlyList<(Guid Id, string Name)> Executors { get; private set; } = [];
    public bool MayModerate { get; private set; }
    public bool MayTag { get; private set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    /// <summary>Runs a bulk action on the ticked rows (or exports them) and shows the list again with the result.</summary>
    public async Task<IActionResult> OnPostBulkAsync([FromServices] IServiceScopeFactory scopes, [FromServices] Audit.AuditTrail audit, CancellationToken ct)
    {
        var versions = new Dictionary<Guid, int>();
        foreach (var seen in Seen)
            if (seen.Split(':') is [var id, var v] && Guid.TryParse(id, out var g) && int.TryParse(v, out var n)) versions[g] = n;
        var request = new BulkRequest(BulkAction, [.. BulkIds.Select(id => new BulkItem(id, versions.TryGetValue(id, out var v) ? v : null))],
            BulkPersonId, BulkOrganisationId, BulkTag, null, string.IsNullOrWhiteSpace(BulkTargetNumber) ? null : BulkTargetNumber);
        try
        {
            if (BulkAction == Workspace.BulkAction.Export) return await ExportAsync(request, audit, ct);
            Bulk = await BulkActions.RunAsync(scopes, db, user, request, ct);
            // What went through is done: the ticks stay only on the refused ones, to try again or look at.
            BulkIds = [.. Bulk.Refused.Select(f => f.Id)];
        }
        catch (InputException e)
        {
            BulkErrorField = e.Errors.Keys.FirstOrDefault() ?? "action";
            BulkError = e.Errors.Values.FirstOrDefault()?.FirstOrDefault() ?? e.Message;
        }
        await LoadAsync(ct);
        return Page();
    }

    async Task<IActionResult> ExportAsync(BulkRequest request, Audit.AuditTrail audit, CancellationToken ct)
    {
        var (_, items) = BulkActions.Check(request with { Action = Workspace.BulkAction.Export });
        var directory = await ListDirectory.LoadAsync(db, ct);
        var zone = await directory.ZoneOfAsync(user, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = new List<AppealRow>();
        await foreach (var row in BulkActions.RowsAsync(db, user, [.. items.Select(i => i.Id)], directory, now, ct)) rows.Add(row);
        audit.Record(HttpContext, user, Audit.AuditKind.AppealExport, null, $"office selection csv: {rows.Count} of {items.Count}", rows.Count);
        var body = new MemoryStream();
        await ExportCsv.WriteAsync(body, ExportColumn.For(zone), rows.ToAsyncEnumerable(), ct);
        body.Position = 0;
        return File(body, "text/csv; charset=utf-8", $"obrashcheniya-vybrannye-{TimeZoneInfo.ConvertTimeFromUtc(now, zone):yyyy-MM-dd-HHmm}.csv");
    }

    async Task LoadAsync(CancellationToken ct)
    {
        Directory = await ListDirectory.LoadAsync(db, ct);
        Zone = await Directory.ZoneOfAsync(user, ct);
        var withoutCursor = Request.Query.Where(p => p.Key is not ("cursor" or "handler") && !StringValues.IsNullOrEmpty(p.Value))
            .SelectMany(p => p.Value.Where(v => !string.IsNullOrEmpty(v)).Select(v => KeyValuePair.Create(p.Key, v))).ToList();
        ExportQuery = QueryString.Create(withoutCursor).ToString();
        FirstLink = "/office/appeals" + ExportQuery;
        CurrentQuery = ListQuery.Normalise(Request.Query);
        Columns = await ListColumns.ForAsync(db, user.RequiredId, ct);
        MyOrganisations = [.. (await user.RolesAsync(ct)).Where(r => r.Role != Role.Applicant && r.OrganisationId is not null)
            .Select(r => r.OrganisationId!.Value).Distinct()
            .Select(id => (id, Directory.OrganisationName(id) ?? "")).OrderBy(o => o.Item2, StringComparer.Ordinal)];
        var now = clock.GetUtcNow().UtcDateTime;
        Tabs = await ListViews.TabsAsync(db, user, Directory, CurrentQuery, now, ct);
        var roles = await user.RolesAsync(ct);
        MayModerate = roles.Any(r => r.Role == Role.Moderator);
        MayTag = roles.Any(r => r.Role is Role.Moderator or Role.Dispatcher or Role.Controller);
        var dispatching = roles.Where(r => r.Role == Role.Dispatcher && r.OrganisationId is not null).Select(r => r.OrganisationId!.Value).Distinct().ToList();
        Executors = dispatching.Count == 0 ? [] : [.. (await ExecutionActions.ExecutorsOfAsync(db, dispatching, ct)).Values.SelectMany(e => e)
            .DistinctBy(e => e.Id).Select(e => (e.Id, e.Name)).OrderBy(e => e.Name, StringComparer.Ordinal)];
        try
        {
            Filter = AppealFilter.FromQuery(Request.Query);
            Sort = AppealKeyset.ParseSort(Request.Query["sort"].ToString());
            var cursor = Request.Query["cursor"].ToString();
            IsFirstPage = cursor.Length == 0;
            var filtered = Filter.Apply((await AppealAccess.VisibleAsync(db, user, ct)).AsNoTracking(), now, db);
            var (rows, next) = await AppealsListRows.PageAsync(db, filtered, Sort, cursor, PageSize, Directory, now, ct);
            Rows = rows;
            if (next is not null) NextLink = "/office/appeals" + QueryString.Create(withoutCursor.Append(KeyValuePair.Create("cursor", (string?)next)));
        }
        catch (InputException e)
        {
            ErrorField = e.Errors.Keys.FirstOrDefault();
            Error = e.Message;
            Rows = [];
        }
    }

    /// <summary>Saves the page's filter (the form posts to the same address) as a view; it opens as the current tab.</summary>
    public async Task<IActionResult> OnPostSaveViewAsync(CancellationToken ct)
    {
        var query = ListQuery.Normalise(Request.Query);
        try
        {
            if (ShareWith is { } org && !(await user.RolesAsync(ct)).Any(r => r.Role != Role.Applicant && r.OrganisationId == org))
                throw new InputException("shareWith", "views.organisation", "Поделиться видом можно только с организацией, в которой вы работаете.", 422);
            var mine = await db.Set<SavedView>().CountAsync(v => v.OwnerId == user.RequiredId, ct);
            if (mine >= SavedView.MaxPerPerson)
                throw new InputException("viewName", "views.too_many", $"У вас уже {SavedView.MaxPerPerson} видов: удалите ненужный, чтобы сохранить новый.", 422);
            var view = SavedView.Create(user.RequiredId, ShareWith, ViewName, query, clock.GetUtcNow().UtcDateTime);
            db.Set<SavedView>().Add(view);
            await db.SaveChangesAsync(ct);
            return Redirect("/office/appeals" + view.Query);
        }
        catch (InputException e)
        {
            db.ChangeTracker.Clear();
            ViewErrorField = e.Errors.Keys.FirstOrDefault() ?? "viewName";
            ViewError = e.Message;
            await LoadAsync(ct);
            return Page();
        }
    }

    /// <summary>Deletes one of the person's own views (a view shared with them is its owner's to delete).</summary>
    public async Task<IActionResult> OnPostDeleteViewAsync(Guid viewId, CancellationToken ct)
    {
        await db.Set<SavedView>().Where(v => v.Id == viewId && v.OwnerId == user.RequiredId).ExecuteDeleteAsync(ct);
        return Redirect("/office/appeals");
    }

    /// <summary>Keeps the chosen columns for the person, and shows the same list again.</summary>
    public async Task<IActionResult> OnPostColumnsAsync(string[]? columns, CancellationToken ct)
    {
        var settings = await db.Set<ListSettings>().SingleOrDefaultAsync(s => s.PersonId == user.RequiredId, ct);
        if (settings is null) db.Set<ListSettings>().Add(settings = ListSettings.For(user.RequiredId));
        settings.Choose(columns ?? [], clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return Redirect("/office/appeals" + ListQuery.Normalise(Request.Query));
    }

    /// <summary>What the address holds for a field, as typed: a refused form shows it again.</summary>
    public string Raw(string name) => Request.Query[name].ToString();

    public bool Has(AppealStatus status) =>
        Request.Query["status"].Any(s => string.Equals(s, ListText.Value(status), StringComparison.OrdinalIgnoreCase));

    public bool Shows(string column) => Columns.Contains(column);

    /// <summary>A form that posts to this page keeps the list's filter in its address.</summary>
    public string PostTo(string handler) => "/office/appeals" + QueryString.Create(
        new[] { KeyValuePair.Create("handler", (string?)handler) }.Concat(ListQuery.Parse(CurrentQuery).SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v)))));
}
