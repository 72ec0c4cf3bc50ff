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
        // The sections' traffic, counted by the app itself (issue 23.5): on every node, workers or not.
        services.AddSingleton<PortalTraffic>();
        services.AddHostedService(sp => sp.GetRequiredService<PortalTraffic>());
        services.AddTransient<IStartupFilter, PortalTrafficStartup>();
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
        g.MapGet("/items", Items).AllowAnonymous().Produces<List<ItemView>>()
            .WithSummary("The published items of a portal section (news, events, stories, official, analytics, institutions, incubators, sites), newest first");
        g.MapPost("/items", Post).RequireRole(Keepers).Produces<ItemView>(StatusCodes.Status201Created)
            .WithSummary("Posts an item of a portal section for an organisation the person keeps; its section clock starts again");
    }

    /// <summary>An item of a portal section as the public and integrators read it.</summary>
    public sealed record ItemView(Guid Id, PortalSection Section, Guid OrganisationId, string Organisation, string Title, string Summary, string Body, string? Link,
        DateTime PublishedAtUtc, DateTime CheckedAtUtc, DateTime? StartsAtUtc, DateTime? EndsAtUtc, int? Capacity, string? Address, double? Latitude,
        double? Longitude, string? Phone, string? Email, string? Hours);

    /// <summary>A new item: the section and the owner organisation, then the section's fields (an event's start and place, a site's address and point).</summary>
    public sealed record ItemRequest(PortalSection? Section, Guid? OrganisationId, string? Title, string? Summary, string? Body, string? Link, Guid? TerritoryId,
        bool? IsPublished, DateTime? StartsAtUtc, DateTime? EndsAtUtc, int? Capacity, string? Address, double? Latitude, double? Longitude, string? Phone,
        string? Email, string? Hours);

    public static ItemView View(PortalItem i, string organisation) => new(i.Id, i.Section, i.OrganisationId, organisation, i.Title, i.Summary, i.Body, i.Link,
        i.PublishedAtUtc, i.CheckedAtUtc, i.StartsAtUtc, i.EndsAtUtc, i.Capacity, i.Address, i.Latitude, i.Longitude, i.Phone, i.Email, i.Hours);

    static async Task<IResult> Items(PortalSection? section, Guid? organisationId, int? limit, AppDbContext db, CancellationToken ct)
    {
        if (section is { } s && !PortalItem.Sections.Contains(s))
            throw new InputException("section", "item.section", "У этого раздела нет записей: меры и реестр читаются своими операциями.");
        if (limit is < 1 or > 200) throw new InputException("limit", "request.range", "limit — от 1 до 200.");
        var items = await PortalItems.PublishedAsync(db, section, organisationId, limit ?? 50, ct);
        var names = await PortalItems.NamesAsync(db, items, ct);
        return TypedResults.Ok(items.Select(i => View(i, names.GetValueOrDefault(i.OrganisationId) ?? "")).ToList());
    }

    static async Task<IResult> Post(ItemRequest body, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var e = new InputErrors();
        if (body.Section is null) e.Add("section", "field.required", "Укажите раздел.");
        if (body.OrganisationId is null) e.Add("organisationId", "field.required", "Укажите организацию — владельца записи.");
        e.ThrowIfAny(422);
        var org = body.OrganisationId!.Value;
        if (!await db.Organisations.AnyAsync(o => o.Id == org, ct)) throw new InputException("organisationId", "organisation.unknown", "Нет такой организации.", 422);
        if (!await user.ReachesAsync(org, ct, Keepers)) return TypedResults.Forbid();
        var item = await PortalItems.PostAsync(db, new PortalItem.Content(body.Section!.Value, org, body.Title, body.Summary, body.Body, body.Link, body.TerritoryId,
            body.IsPublished ?? true, body.StartsAtUtc, body.EndsAtUtc, body.Capacity, body.Address, body.Latitude, body.Longitude, body.Phone, body.Email, body.Hours),
            clock.GetUtcNow().UtcDateTime, ct);
        var name = await db.Organisations.AsNoTracking().Where(o => o.Id == org).Select(o => o.ShortName).SingleAsync(ct);
        return TypedResults.Created($"/api/v1/business/items/{item.Id}", View(item, name));
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
