using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Features.Workspace;

/// <summary>
/// The list of <c>/office/appeals</c> as a file, for the page (Export.cshtml.cs) and for <c>GET /api/v1/appeals/export.csv|xlsx</c>
/// alike: the same query string parsed by <see cref="AppealFilter.FromQuery"/>, the caller's visible appeals only, every
/// page streamed by keyset, the export audited with the rows actually read.
/// </summary>
public static class AppealsExport
{
    public const string Csv = "text/csv";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>
    /// The filters of the office list, named as its query string names them. Declared for the OpenAPI document and checked
    /// by the input guard; the values are read by <see cref="AppealFilter.FromQuery"/>, so the page and the API cannot
    /// drift apart. All text, so that a wrong value is refused by that parser as a 400 naming the parameter.
    /// </summary>
    public sealed record Filters(
        [property: FromQuery(Name = "status")] string[]? Status, [property: FromQuery(Name = "organisationId")] string? OrganisationId,
        [property: FromQuery(Name = "categoryId")] string? CategoryId, [property: FromQuery(Name = "topicId")] string? TopicId,
        [property: FromQuery(Name = "territoryId")] string? TerritoryId, [property: FromQuery(Name = "channel")] string? Channel,
        [property: FromQuery(Name = "kind")] string? Kind, [property: FromQuery(Name = "regime")] string? Regime,
        [property: FromQuery(Name = "deadline")] string? Deadline, [property: FromQuery(Name = "overdue")] string? Overdue,
        [property: FromQuery(Name = "assigneeId")] string? AssigneeId, [property: FromQuery(Name = "q")] string? Q,
        [property: FromQuery(Name = "receivedFrom")] string? ReceivedFrom, [property: FromQuery(Name = "receivedTo")] string? ReceivedTo,
        [property: FromQuery(Name = "executorId")] string? ExecutorId, [property: FromQuery(Name = "answered")] string? Answered,
        [property: FromQuery(Name = "reopened")] string? Reopened, [property: FromQuery(Name = "rating")] string? Rating,
        [property: FromQuery(Name = "sort")] string? Sort);

    /// <summary>GET /api/v1/appeals/export.csv and export.xlsx: the export button of «Все обращения» for an integration.</summary>
    public static void MapExportApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/appeals/export.csv", ExportCsvAsync).RequireRole(AppealAccess.Viewers).WithTags("Appeals").WithName("ExportAppealsCsv")
            .WithSummary("The office list «Все обращения» with the same filters as a CSV file (UTF-8 with BOM, «;»), streamed; up to 100 000 rows of what the caller sees.")
            .Produces<Stream>(StatusCodes.Status200OK, Csv);
        routes.MapGet("/appeals/export.xlsx", ExportXlsxAsync).RequireRole(AppealAccess.Viewers).WithTags("Appeals").WithName("ExportAppealsXlsx")
            .WithSummary("The office list «Все обращения» with the same filters as an XLSX workbook; up to 100 000 rows of what the caller sees.")
            .Produces<Stream>(StatusCodes.Status200OK, Xlsx);
    }

    static Task<EmptyHttpResult> ExportCsvAsync([AsParameters] Filters filters, HttpContext http, AppDbContext db, CurrentUser user, TimeProvider clock,
        Audit.AuditTrail audit, CancellationToken ct) => ApiAsync("csv", http, db, user, clock, audit, ct);

    static Task<EmptyHttpResult> ExportXlsxAsync([AsParameters] Filters filters, HttpContext http, AppDbContext db, CurrentUser user, TimeProvider clock,
        Audit.AuditTrail audit, CancellationToken ct) => ApiAsync("xlsx", http, db, user, clock, audit, ct);

    static async Task<EmptyHttpResult> ApiAsync(string format, HttpContext http, AppDbContext db, CurrentUser user, TimeProvider clock,
        Audit.AuditTrail audit, CancellationToken ct)
    {
        await StreamAsync(format, "api list", http, db, user, clock, audit, ct);
        return TypedResults.Empty;
    }

    /// <summary>Writes the file to the response. A wrong filter throws <see cref="InputException"/> before a byte is sent.</summary>
    public static async Task StreamAsync(string format, string origin, HttpContext http, AppDbContext db, CurrentUser user, TimeProvider clock,
        Audit.AuditTrail audit, CancellationToken ct)
    {
        var request = http.Request;
        var response = http.Response;
        var filter = AppealFilter.FromQuery(request.Query);
        var sort = AppealKeyset.ParseSort(request.Query["sort"].ToString());
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
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Export-Limit"] = ExportLimits.MaxRows.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Recorded once the rows are read, with their count; a download cut short is recorded with the rows read so far.
        try { await WriteAsync(response, format, columns, rows, ct); }
        finally { audit.Record(http, user, Audit.AuditKind.AppealExport, null, $"{origin} {format}: {request.QueryString.Value}", counted.Rows); }
    }

    static async Task WriteAsync(HttpResponse response, string format, IReadOnlyList<ExportColumn> columns, IAsyncEnumerable<AppealRow> rows, CancellationToken ct)
    {
        if (format == "csv")
        {
            response.ContentType = Csv + "; charset=utf-8";
            await ExportCsv.WriteAsync(response.Body, columns, rows, ct);
            return;
        }

        // A zip package is written with seeks; it goes to a temporary file first, then to the client in one stream.
        var path = Path.GetTempFileName();
        await using var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await ExportXlsx.WriteAsync(file, columns, rows, ct);
        file.Position = 0;
        response.ContentType = Xlsx;
        response.ContentLength = file.Length;
        await file.CopyToAsync(response.Body, ct);
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
