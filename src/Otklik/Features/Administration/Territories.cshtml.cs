using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Administration;

/// <summary>
/// The territories, and a GeoJSON import in two steps: a preview that runs the API's own import inside a transaction
/// rolled back (so it is refused for exactly what the import would refuse), shows which territories come and which change,
/// and draws them on the map; then the import itself.
/// </summary>
public sealed class TerritoriesModel(AppDbContext db, CurrentUser user, TerritoryLocator locator, Audit.AuditTrail audit) : AdminPage(db, user)
{
    protected override bool RegionOnly => true;
    const int MaxBytes = 5 * 1024 * 1024;

    public sealed record PreviewRow(string Code, string Name, bool Exists);

    public IReadOnlyList<Territory> Territories { get; private set; } = [];
    public IReadOnlyDictionary<Guid, string> Organisations { get; private set; } = new Dictionary<Guid, string>();
    [BindProperty] public string? GeoJson { get; set; }
    [BindProperty] public IFormFile? Upload { get; set; }
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }
    public IReadOnlyList<PreviewRow>? Preview { get; private set; }

    /// <summary>What the preview map draws: the territories as they are (grey) and the imported ones (blue).</summary>
    public string MapJson { get; private set; } = "{}";

    /// <summary>The drawing form: the area's name and its points "lat,lon;…" as the map writes them.</summary>
    [BindProperty] public string? DrawnName { get; set; }
    [BindProperty] public string? DrawnPoints { get; set; }
    /// <summary>Opens the page in drawing mode (the informing and poll forms link here).</summary>
    [BindProperty(SupportsGet = true)] public bool Draw { get; set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(null, ct);

    public async Task<IActionResult> OnPostDrawAsync(CancellationToken ct)
    {
        Draw = true;
        try
        {
            var saved = await DrawnTerritories.SaveAsync(Db, locator, DrawnName, DrawnPoints, ct);
            audit.Record(HttpContext, Me, Audit.AuditKind.AreaDrawn, null, $"«{saved.Name}» ({saved.Code}) в администрировании");
            return Redirect("/office/admin/territories?done=" + Uri.EscapeDataString(
                $"Территория «{saved.Name}» сохранена: её можно выбрать в информировании и опросах."));
        }
        catch (InputException e)
        {
            foreach (var (field, messages) in e.Errors) Errors["drawn" + field] = messages[0];
            Db.ChangeTracker.Clear();
            Response.StatusCode = e.Status;
        }
        await LoadAsync(null, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        if (await ReadAsync(ct) is { } collection)
        {
            // The import itself, undone: the same checks, nothing kept.
            await using (var tx = await Db.Database.BeginTransactionAsync(ct))
            {
                if (await CallAsync(() => DirectoryApi.ImportTerritories(collection, Db, locator, ct)))
                {
                    Preview = [.. collection.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties"))
                        .Select(p => new PreviewRow(p.GetProperty("code").GetString()!.Trim(), p.GetProperty("name").GetString()!.Trim(), false))];
                }
                await tx.RollbackAsync(ct);
            }
            Db.ChangeTracker.Clear();
            locator.Invalidate();
            if (Preview is not null)
            {
                var existing = await Db.Territories.AsNoTracking().Select(t => t.Code).ToListAsync(ct);
                Preview = [.. Preview.Select(p => p with { Exists = existing.Contains(p.Code) })];
            }
        }
        await LoadAsync(Preview is null ? null : GeoJson, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostImportAsync(CancellationToken ct)
    {
        if (await ReadAsync(ct) is { } collection && await CallAsync(() => DirectoryApi.ImportTerritories(collection, Db, locator, ct)))
            return Redirect("/office/admin/territories?done=" + Uri.EscapeDataString(
                $"Загружено территорий: {collection.GetProperty("features").GetArrayLength()}. Обращения с карты теперь относятся к ним."));
        await LoadAsync(null, ct);
        return Page();
    }

    /// <summary>The GeoJSON from the file, else from the text box; a refusal in Russian next to the field when it is not JSON.</summary>
    async Task<JsonElement?> ReadAsync(CancellationToken ct)
    {
        if (Upload is { Length: > 0 } file)
        {
            if (file.Length > MaxBytes) { Errors["geoJson"] = "Файл больше 5 МБ: упростите границы."; Response.StatusCode = 422; return null; }
            using var reader = new StreamReader(file.OpenReadStream());
            GeoJson = await reader.ReadToEndAsync(ct);
        }
        if (string.IsNullOrWhiteSpace(GeoJson)) { Errors["geoJson"] = "Вставьте GeoJSON или выберите файл."; Response.StatusCode = 422; return null; }
        try
        {
            using var doc = JsonDocument.Parse(GeoJson);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            Errors["geoJson"] = $"Это не JSON: ошибка в строке {e.LineNumber + 1}.";
            Response.StatusCode = 422;
            return null;
        }
    }

    async Task LoadAsync(string? preview, CancellationToken ct)
    {
        Territories = await Db.Territories.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
        Organisations = await Db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
        var current = Territories.Select(t => new { t.Name, drawn = t.Kind == TerritoryKind.Drawn, geometry = JsonDocument.Parse(t.BoundaryGeoJson).RootElement });
        JsonElement? imported = preview is null ? null : JsonDocument.Parse(preview).RootElement;
        MapJson = JsonSerializer.Serialize(new { current, imported });
    }
}
