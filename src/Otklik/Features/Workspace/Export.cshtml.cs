using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Features.Workspace;

/// <summary>
/// The list of <c>/office/appeals</c> as it stands (the same query string, every page) as CSV or XLSX. A wrong filter is
/// refused with a 400 problem before anything is sent.
/// </summary>
public sealed class ExportModel(AppDbContext db, CurrentUser user, TimeProvider clock, Audit.AuditTrail audit) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string format, CancellationToken ct)
    {
        if (format is not ("csv" or "xlsx")) return NotFound();
        var filter = AppealFilter.FromQuery(Request.Query);
        var sort = AppealKeyset.ParseSort(Request.Query["sort"].ToString());
        var directory = await ListDirectory.LoadAsync(db, ct);
        var zone = await directory.ZoneOfAsync(user, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var filtered = filter.Apply((await AppealAccess.VisibleAsync(db, user, ct)).AsNoTracking(), now, db);
        var columns = ExportColumn.For(zone);
        var counted = new RowCount();
        var rows = counted.Count(ExportColumn.RowsAsync(db, filtered, sort, directory, now, ct));

        var name = $"obrashcheniya-{TimeZoneInfo.ConvertTimeFromUtc(now, zone):yyyy-MM-dd-HHmm}.{format}";
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(name);
        Response.Headers.ContentDisposition = disposition.ToString();
        Response.Headers.CacheControl = "no-store";
        Response.Headers["X-Export-Limit"] = ExportLimits.MaxRows.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Recorded once the rows are read, with their count; a download cut short is recorded with the rows read so far.
        try { return await WriteAsync(format, columns, rows, ct); }
        finally { audit.Record(HttpContext, user, Audit.AuditKind.AppealExport, null, $"office list {format}: {Request.QueryString.Value}", counted.Rows); }
    }

    async Task<IActionResult> WriteAsync(string format, IReadOnlyList<ExportColumn> columns, IAsyncEnumerable<AppealRow> rows, CancellationToken ct)
    {
        if (format == "csv")
        {
            Response.ContentType = "text/csv; charset=utf-8";
            await ExportCsv.WriteAsync(Response.Body, columns, rows, ct);
            return new EmptyResult();
        }

        // A zip package is written with seeks; it goes to a temporary file first, then to the client in one stream.
        var path = Path.GetTempFileName();
        await using var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await ExportXlsx.WriteAsync(file, columns, rows, ct);
        file.Position = 0;
        Response.ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        Response.ContentLength = file.Length;
        await file.CopyToAsync(Response.Body, ct);
        return new EmptyResult();
    }

    sealed class RowCount
    {
        public int Rows { get; private set; }

        public async IAsyncEnumerable<T> Count<T>(IAsyncEnumerable<T> rows)
        {
            await foreach (var row in rows)
            {
                Rows++;
                yield return row;
            }
        }
    }
}
