using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Audit;

/// <summary>
/// /office/audit: the personal-data audit trail for the region administrator and the security officer — filters by
/// person, appeal number, period and action, newest first, and the same selection as CSV (itself recorded in the trail).
/// </summary>
[Authorize]
public sealed class AuditPageModel(AppDbContext db, CurrentUser user, AuditTrail audit, TimeProvider clock) : PageModel
{
    public const int PageSize = 200;
    public const int CsvRows = 100_000;

    [BindProperty(SupportsGet = true)] public string? ActorId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Number { get; set; }
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Kind { get; set; }
    [BindProperty(SupportsGet = true)] public string? Before { get; set; }

    public IReadOnlyList<(Guid Id, string Name)> People { get; private set; } = [];
    public IReadOnlyList<AuditLine> Lines { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public Dictionary<string, string> Errors { get; } = [];
    public bool Refused { get; private set; }

    public static string Label(AuditKind kind) => kind switch
    {
        AuditKind.AppealRead => "Просмотр обращения",
        AuditKind.AppealExport => "Выгрузка списка обращений",
        AuditKind.ApplicantLookup => "Поиск заявителя",
        AuditKind.FileDownload => "Скачивание файла заявителя",
        AuditKind.AuditExport => "Выгрузка журнала",
        AuditKind.AreaDrawn => "Нарисована территория",
        AuditKind.SamePersonLinked => "Подтверждён тот же заявитель",
        AuditKind.SamePersonUnlinked => "Снята связь «тот же заявитель»",
        _ => kind.ToString(),
    };

    /// <summary>Where the access came from, in the page's words; a detail this list does not know is shown as written.</summary>
    public static string Where(string? detail) => detail switch
    {
        null => "",
        "api" => "API",
        "api include=history" => "API, с историей",
        "api by-number" => "API, по номеру",
        "api history" => "API, история",
        "office card" => "карточка в рабочем месте",
        "office moderation" => "страница модерации",
        "same person on the card" => "карточка: тот же заявитель по другим каналам",
        "email" => "по адресу эл. почты",
        "phone" => "по номеру телефона",
        _ when detail.StartsWith("office list csv: ", StringComparison.Ordinal) => "выгрузка списка (CSV), фильтр: " + detail["office list csv: ".Length..],
        _ when detail.StartsWith("office list xlsx: ", StringComparison.Ordinal) => "выгрузка списка (XLSX), фильтр: " + detail["office list xlsx: ".Length..],
        _ when detail.StartsWith("office audit csv: ", StringComparison.Ordinal) => "выгрузка журнала (CSV), фильтр: " + detail["office audit csv: ".Length..],
        _ when detail.StartsWith("api attachment ", StringComparison.Ordinal) => "файл " + detail["api attachment ".Length..] + " через API",
        _ => detail,
    };

    public string Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, Zone).ToString("dd.MM.yyyy HH:mm:ss", CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await AuditAccess.MayReadAsync(user, ct)) return Refuse();
        await LoadPeopleAsync(ct);
        if (await FilterAsync(ct) is not { } filter)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var lines = await filter.ReadAsync(db, PageSize + 1, ct);
        Lines = [.. lines.Take(PageSize)];
        NextCursor = lines.Count > PageSize ? AuditFilter.Cursor(Lines[^1]) : null;
        return Page();
    }

    /// <summary>The same selection as CSV (up to <see cref="CsvRows"/> lines); recorded in the trail with its filter and row count.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        if (!await AuditAccess.MayReadAsync(user, ct)) return Refuse();
        if (await FilterAsync(ct) is not { } filter)
        {
            await LoadPeopleAsync(ct);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var lines = await filter.ReadAsync(db, CsvRows, ct);
        audit.Record(HttpContext, user, AuditKind.AuditExport, null, "office audit csv: " + Request.QueryString.Value, lines.Count);

        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName($"zhurnal-dostupa-{TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, Zone):yyyy-MM-dd-HHmm}.csv");
        Response.Headers.ContentDisposition = disposition.ToString();
        Response.Headers.CacheControl = "no-store";
        Response.ContentType = "text/csv; charset=utf-8";
        await using var writer = new StreamWriter(Response.Body, new System.Text.UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        await writer.WriteAsync('\uFEFF');
        await writer.WriteAsync("Время;Сотрудник;Идентификатор сотрудника;Действие;Обращение;Идентификатор обращения;Подробности;Строк;Адрес\r\n");
        foreach (var l in lines)
        {
            string[] fields =
            [
                Local(l.AtUtc), l.ActorName ?? "", l.ActorId?.ToString() ?? "", Label(l.Kind), l.AppealNumber ?? "", l.AppealId?.ToString() ?? "",
                l.Detail ?? "", l.Rows?.ToString(CultureInfo.InvariantCulture) ?? "", l.Address ?? "",
            ];
            await writer.WriteAsync(Csv.Row(fields));
        }
        return new EmptyResult();
    }

    /// <summary>The filter of the form, or null with the errors shown next to the fields.</summary>
    async Task<AuditFilter?> FilterAsync(CancellationToken ct)
    {
        Zone = await (await ListDirectory.LoadAsync(db, ct)).ZoneOfAsync(user, ct);
        string? appealId = null;
        if (!string.IsNullOrWhiteSpace(Number))
        {
            var id = await db.Appeals.AsNoTracking().Where(a => a.Number == Number.Trim()).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
            if (id is null) Errors["number"] = $"Обращения с номером «{Number.Trim()}» нет.";
            else appealId = id.Value.ToString();
        }
        try
        {
            var filter = AuditFilter.Parse(ActorId, appealId, From, To, Kind, Before, Zone);
            return Errors.Count == 0 ? filter : null;
        }
        catch (InputException e)
        {
            foreach (var (field, messages) in e.Errors)
                Errors[field] = field switch
                {
                    "from" => "Дата начала — в виде ГГГГ-ММ-ДД.",
                    "to" when messages[0].StartsWith("Конец", StringComparison.Ordinal) => messages[0],
                    "to" => "Дата конца — в виде ГГГГ-ММ-ДД.",
                    "actorId" => "Выберите сотрудника из списка.",
                    _ => string.Join(" ", messages),
                };
            return null;
        }
    }

    async Task LoadPeopleAsync(CancellationToken ct)
    {
        var staff = await db.Users.AsNoTracking()
            .Where(p => db.RoleAssignments.Any(r => r.PersonId == p.Id && r.Role != Role.Applicant))
            .OrderBy(p => p.LastName).ThenBy(p => p.FirstName)
            .Select(p => new { p.Id, p.LastName, p.FirstName, p.MiddleName }).ToListAsync(ct);
        People = [.. staff.Select(p => (p.Id, string.Join(' ', new[] { p.LastName, p.FirstName, p.MiddleName }.Where(s => !string.IsNullOrWhiteSpace(s)))))];
    }

    IActionResult Refuse()
    {
        Refused = true;
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }
}
