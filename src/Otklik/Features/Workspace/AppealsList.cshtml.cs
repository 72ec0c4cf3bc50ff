using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Features.Workspace;

/// <summary>
/// Every appeal the person may see (the API's visibility rule), filtered by a GET form so that the address keeps the
/// filters, paged by keyset 50 rows at a time, exported as it stands to CSV or XLSX.
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

    public async Task OnGetAsync(CancellationToken ct)
    {
        Directory = await ListDirectory.LoadAsync(db, ct);
        Zone = await Directory.ZoneOfAsync(user, ct);
        var withoutCursor = Request.Query.Where(p => p.Key != "cursor" && !StringValues.IsNullOrEmpty(p.Value))
            .SelectMany(p => p.Value.Where(v => !string.IsNullOrEmpty(v)).Select(v => KeyValuePair.Create(p.Key, v))).ToList();
        ExportQuery = QueryString.Create(withoutCursor).ToString();
        FirstLink = "/office/appeals" + ExportQuery;
        try
        {
            Filter = AppealFilter.FromQuery(Request.Query);
            Sort = AppealKeyset.ParseSort(Request.Query["sort"].ToString());
            var cursor = Request.Query["cursor"].ToString();
            IsFirstPage = cursor.Length == 0;
            var now = clock.GetUtcNow().UtcDateTime;
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

    /// <summary>What the address holds for a field, as typed: a refused form shows it again.</summary>
    public string Raw(string name) => Request.Query[name].ToString();

    public bool Has(AppealStatus status) =>
        Request.Query["status"].Any(s => string.Equals(s, ListText.Value(status), StringComparison.OrdinalIgnoreCase));
}
