using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Workspace;

/// <summary>
/// A saved view of «Все обращения»: a named filter (the list's query string), the person's own or shared with one of
/// their organisations. Shown as a tab with its count; what it selects is always within what the reader may see.
/// </summary>
public sealed class SavedView
{
    SavedView() { }

    public const int MaxName = 60;
    /// <summary>A person keeps at most this many views of their own (the tabs must fit, each costs a count).</summary>
    public const int MaxPerPerson = 20;

    public Guid Id { get; private set; }
    public Guid OwnerId { get; private set; }
    /// <summary>Null: only the owner sees it. Set: everyone in that organisation sees it as a tab.</summary>
    public Guid? OrganisationId { get; private set; }
    public string Name { get; private set; } = "";
    /// <summary>The filter as the list's query string, normalised by <see cref="ListQuery.Normalise"/> ("?status=inWork&amp;q=люк").</summary>
    public string Query { get; private set; } = "";
    public DateTime CreatedAtUtc { get; private set; }

    /// <summary>Checks the name and the filter (the same parser as the list: a view that the list would refuse is refused).</summary>
    public static SavedView Create(Guid ownerId, Guid? organisationId, string? name, string query, DateTime nowUtc)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new InputException("viewName", "field.required", "Назовите вид: так он будет подписан на вкладке.", StatusCodes.Status422UnprocessableEntity);
        if (name.Trim().Length > MaxName)
            throw new InputException("viewName", "field.too_long", $"Название вида — не длиннее {MaxName} символов.", StatusCodes.Status422UnprocessableEntity);
        AppealFilter.FromQuery(ListQuery.Parse(query));
        return new SavedView
        {
            Id = Guid.CreateVersion7(new DateTimeOffset(nowUtc, TimeSpan.Zero)), OwnerId = ownerId, OrganisationId = organisationId,
            Name = name.Trim(), Query = query, CreatedAtUtc = nowUtc,
        };
    }
}

/// <summary>The columns of «Все обращения» a person chose; a person without a row sees <see cref="ListColumns.Default"/>.</summary>
public sealed class ListSettings
{
    ListSettings() { }

    public Guid PersonId { get; private set; }
    /// <summary>The chosen column keys, "|"-separated, in the list's order.</summary>
    public string Columns { get; private set; } = "";
    public DateTime UpdatedAtUtc { get; private set; }

    public static ListSettings For(Guid personId) => new() { PersonId = personId };

    public void Choose(IEnumerable<string> keys, DateTime nowUtc)
    {
        Columns = string.Join('|', ListColumns.Valid(keys));
        UpdatedAtUtc = nowUtc;
    }
}

sealed class SavedViewConfiguration : IEntityTypeConfiguration<SavedView>
{
    public void Configure(EntityTypeBuilder<SavedView> b)
    {
        b.HasKey(v => v.Id);
        b.Property(v => v.Id).ValueGeneratedNever();
        b.Property(v => v.Name).HasMaxLength(SavedView.MaxName);
        b.Property(v => v.Query).HasMaxLength(2000);
        b.HasOne<Person>().WithMany().HasForeignKey(v => v.OwnerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Organisation>().WithMany().HasForeignKey(v => v.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(v => v.OwnerId);
        b.HasIndex(v => v.OrganisationId);
    }
}

sealed class ListSettingsConfiguration : IEntityTypeConfiguration<ListSettings>
{
    public void Configure(EntityTypeBuilder<ListSettings> b)
    {
        b.HasKey(s => s.PersonId);
        b.Property(s => s.Columns).HasMaxLength(500);
        b.HasOne<Person>().WithMany().HasForeignKey(s => s.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A column of the list: its key (stored per person), its Russian title.</summary>
public sealed record ListColumn(string Key, string Title);

public static class ListColumns
{
    /// <summary>Every column in the list's order. The number is always shown: it is the link to the card.</summary>
    public static readonly IReadOnlyList<ListColumn> All =
    [
        new("received", "Поступило"),
        new("text", "Текст"),
        new("applicant", "Заявитель"),
        new("channel", "Канал"),
        new("type", "Тип и вид"),
        new("category", "Категория и тема"),
        new("territory", "Территория"),
        new("executor", "Исполнитель"),
        new("assignee", "Ответственный"),
        new("status", "Статус"),
        new("due", "Срок"),
        new("sstu", "Результат для ССТУ"),
        new("rating", "Оценка"),
        new("answered", "Дата ответа"),
    ];

    public static readonly IReadOnlyList<string> Default = ["received", "text", "applicant", "channel", "category", "executor", "assignee", "status", "due"];

    /// <summary>The known keys among <paramref name="keys"/>, in the list's order, each once.</summary>
    public static IReadOnlyList<string> Valid(IEnumerable<string> keys)
    {
        var set = keys.ToHashSet(StringComparer.Ordinal);
        return [.. All.Where(c => set.Contains(c.Key)).Select(c => c.Key)];
    }

    public static async Task<IReadOnlyList<string>> ForAsync(AppDbContext db, Guid personId, CancellationToken ct)
    {
        var stored = await db.Set<ListSettings>().AsNoTracking().Where(s => s.PersonId == personId).Select(s => s.Columns).SingleOrDefaultAsync(ct);
        return stored is null ? Default : Valid(stored.Split('|', StringSplitOptions.RemoveEmptyEntries));
    }
}

/// <summary>The list's filter as a query string: the same parameters whatever order or extra ones the address had.</summary>
public static class ListQuery
{
    /// <summary>The parameters that select rows (and their order): paging, handlers and the like are not part of a view.</summary>
    static readonly string[] Names = ["q", "status", "organisationId", "categoryId", "topicId", "territoryId", "channel", "kind", "regime", "deadline", "sort"];

    public static string Normalise(IQueryCollection query)
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        foreach (var name in Names)
            foreach (var value in query[name].Where(v => !string.IsNullOrEmpty(v)).OrderBy(v => v, StringComparer.Ordinal))
                pairs.Add(KeyValuePair.Create(name, value));
        // "Сначала новые" is the list's own order: with or without it, the same view.
        pairs.RemoveAll(p => p.Key == "sort" && p.Value == "received");
        return QueryString.Create(pairs).ToString();
    }

    public static IQueryCollection Parse(string query) => new QueryCollection(QueryHelpers.ParseQuery(query));
}

/// <summary>A tab of the list: a saved view (or «Все» with a null view), how many appeals it holds now, whether it is the open one.</summary>
public sealed record ViewTab(SavedView? View, string Title, string Link, int? Count, bool Current, bool Mine, string? SharedWith);

public static class ListViews
{
    /// <summary>The views the person sees: their own, and those shared with any organisation where they hold a staff role.</summary>
    public static async Task<List<SavedView>> VisibleAsync(AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        var me = user.RequiredId;
        var orgs = (await user.RolesAsync(ct)).Where(r => r.Role != Role.Applicant && r.OrganisationId is not null)
            .Select(r => r.OrganisationId!.Value).Distinct().ToList();
        var views = await db.Set<SavedView>().AsNoTracking()
            .Where(v => v.OwnerId == me || (v.OrganisationId != null && orgs.Contains(v.OrganisationId.Value))).ToListAsync(ct);
        return [.. views.OrderBy(v => v.OwnerId == me && v.OrganisationId == null ? 0 : 1).ThenBy(v => v.CreatedAtUtc)];
    }

    /// <summary>
    /// «Все» and every visible view, each view counted over what the person may see (one count query per view). «Все» is
    /// not counted: it would cost a count of everything the person sees on every page, and says nothing to act on.
    /// </summary>
    public static async Task<List<ViewTab>> TabsAsync(AppDbContext db, CurrentUser user, ListDirectory directory, string current, DateTime nowUtc,
        CancellationToken ct)
    {
        var visible = (await AppealAccess.VisibleAsync(db, user, ct)).AsNoTracking();
        var tabs = new List<ViewTab> { new(null, "Все", "/office/appeals", null, current.Length == 0, false, null) };
        foreach (var v in await VisibleAsync(db, user, ct))
        {
            int count;
            try { count = await AppealFilter.FromQuery(ListQuery.Parse(v.Query)).Apply(visible, nowUtc, db).CountAsync(ct); }
            catch (InputException) { count = 0; } // an organisation or topic removed since: the view selects nothing
            tabs.Add(new(v, v.Name, "/office/appeals" + v.Query, count, v.Query == current, v.OwnerId == user.RequiredId,
                v.OrganisationId is { } o ? directory.OrganisationName(o) : null));
        }
        return tabs;
    }
}
