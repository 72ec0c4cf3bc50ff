using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Business;

/// <summary>The business portal's API: the public catalogue of support measures and register of recipients, and a fund's upload of its register.</summary>
public static class BusinessApi
{
    /// <summary>Who keeps an organisation's business pages: its dispatchers and executors (a fund's specialists), content editors, administrators.</summary>
    public static readonly Role[] Keepers = [Role.Dispatcher, Role.Executor, Role.ContentEditor, Role.Administrator];

    public static IServiceCollection AddBusinessPortal(this IServiceCollection services, IConfiguration config)
    {
        if (config.GetValue("Otklik:Workers", true)) services.AddHostedService<SectionWatch>();
        return services;
    }

    public static void MapBusinessApi(this IEndpointRouteBuilder routes)
    {
        var g = routes.MapGroup("/business").WithTags("Business");
        g.MapGet("/measures", Measures).AllowAnonymous().Produces<List<MeasureCatalogue.Item>>()
            .WithSummary("The published support measures for businesses, filtered");
        g.MapGet("/measures/{id:guid}", Measure).AllowAnonymous().Produces<MeasureView>().WithSummary("A published support measure");
        g.MapGet("/recipients", Recipients).AllowAnonymous().Produces<List<RecipientRegister.Hit>>()
            .WithSummary("Searches the register of support recipients (up to 100)");
        g.MapPost("/recipients/uploads", Upload).RequireRole(Keepers).DisableAntiforgery().Produces<UploadView>()
            .WithSummary("Uploads a fund's register of recipients for a month: all rows or none");
    }

    public sealed record MeasureView(Guid Id, string Title, string Summary, SupportForm Form, long? AmountMaxRub, string? AmountText, BusinessKinds Kinds,
        IReadOnlyList<string> Okved, Guid? TerritoryId, string Conditions, string Documents, string? Deadlines, DateOnly? ApplyUntil, Guid OrganisationId,
        string? ApplyUrl, Guid? TopicId, DateTime CheckedAtUtc);

    /// <summary>A stored register: its month as yyyy-MM and how many rows it holds.</summary>
    public sealed record UploadView(Guid Id, Guid OrganisationId, string Month, int Rows);

    static async Task<IResult> Measures(string? q, BusinessKinds? kind, string? okved, Guid? territoryId, SupportForm? form, long? minAmount, Guid? organisationId,
        AppDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await MeasureCatalogue.FindAsync(db, new(q, kind, okved, territoryId, form, minAmount, organisationId), ct));

    static async Task<IResult> Measure(Guid id, AppDbContext db, CancellationToken ct) =>
        await db.SupportMeasures.AsNoTracking().Where(m => m.Id == id && m.IsPublished).SingleOrDefaultAsync(ct) is { } m
            ? TypedResults.Ok(new MeasureView(m.Id, m.Title, m.Summary, m.Form, m.AmountMaxRub, m.AmountText, m.Kinds, SupportMeasure.OkvedList(m.Okved),
                m.TerritoryId, m.Conditions, m.Documents, m.Deadlines, m.ApplyUntil, m.OrganisationId, m.ApplyUrl, m.TopicId, m.CheckedAtUtc))
            : TypedResults.NotFound();

    static async Task<IResult> Recipients(string? q, AppDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await RecipientRegister.SearchAsync(db, q, 100, ct));

    /// <summary>A fund's register for a month (multipart: organisationId, month as yyyy-MM, file): all rows or none.</summary>
    static async Task<IResult> Upload([FromForm] Guid? organisationId, [FromForm] string? month, IFormFile? file, AppDbContext db, CurrentUser user,
        TimeProvider clock, CancellationToken ct)
    {
        var (org, from, name, bytes) = await CheckUploadAsync(organisationId, month, file, ct);
        if (!await db.Organisations.AnyAsync(o => o.Id == org, ct))
            throw new InputException("organisationId", "organisation.unknown", "Нет такой организации.", 422);
        if (!await user.ReachesAsync(org, ct, Keepers)) return TypedResults.Forbid();
        var rows = RecipientRegister.Read(name, bytes);
        var upload = await RecipientRegister.StoreAsync(db, org, from, name, rows, user.Id, clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.Ok(new UploadView(upload.Id, upload.OrganisationId, upload.Month.ToString("yyyy-MM", CultureInfo.InvariantCulture), upload.RowCount));
    }

    /// <summary>The fields of an upload, each refused by its name; shared by the API and the office page.</summary>
    public static async Task<(Guid Organisation, DateOnly Month, string FileName, byte[] Bytes)> CheckUploadAsync(Guid? organisationId, string? month,
        IFormFile? file, CancellationToken ct)
    {
        var e = new InputErrors();
        if (organisationId is null) e.Add("organisationId", "field.required", "Выберите организацию, чей это реестр.");
        DateOnly from = default;
        if (!DateOnly.TryParseExact(month?.Trim() + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out from))
            e.Add("month", "month.format", "Укажите месяц реестра в виде ГГГГ-ММ, например 2026-11.");
        if (file is null || file.Length == 0) e.Add("file", "field.required", "Приложите файл реестра: XLSX или CSV.");
        else if (file.Length > 10 * 1024 * 1024) e.Add("file", "file.too_large", "Файл реестра больше 10 МБ: разделите его.");
        else if (!file.FileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) && !file.FileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            e.Add("file", "file.type", "Нужен файл XLSX или CSV.");
        e.ThrowIfAny(422);
        using var memory = new MemoryStream();
        await file!.CopyToAsync(memory, ct);
        return (organisationId!.Value, from, Path.GetFileName(file.FileName), memory.ToArray());
    }
}
