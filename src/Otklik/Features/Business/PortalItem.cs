using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Infrastructure;

namespace Otklik.Features.Business;

/// <summary>
/// An item of a business-portal section other than measures and the register (seed 000): a news item, an event, a
/// success story, official information, market analytics, a development institution, a business incubator or a
/// business site. Each item has its owner organisation and its own update period: a lasting item (an institution, an
/// incubator, a site) must be confirmed current every <see cref="PeriodDays"/> days; posting or confirming it starts
/// the owner's section clock again (<see cref="SectionClocks.TouchAsync"/>), which the freshness board and the watch read.
/// </summary>
public sealed class PortalItem
{
    public Guid Id { get; private set; }
    public PortalSection Section { get; private set; }
    public Guid OrganisationId { get; private set; }
    public string Title { get; private set; } = "";
    public string Summary { get; private set; } = "";
    public string Body { get; private set; } = "";
    /// <summary>The item on the owner's own site (a fund's news published there first: seed 000 asks for the link).</summary>
    public string? Link { get; private set; }
    public Guid? TerritoryId { get; private set; }
    public bool IsPublished { get; private set; }
    public DateTime PublishedAtUtc { get; private set; }
    public DateTime UpdatedAtUtc { get; private set; }
    public DateTime CheckedAtUtc { get; private set; }
    public int PeriodDays { get; private set; }
    /// <summary>How far the watch has gone for this item since it was last confirmed (a lasting item past its period).</summary>
    public FreshnessLevel StaleLevel { get; private set; }
    public DateTime? StaleSinceUtc { get; private set; }
    // An event
    public DateTime? StartsAtUtc { get; private set; }
    public DateTime? EndsAtUtc { get; private set; }
    public int? Capacity { get; private set; }
    // A place: an institution, an incubator, a business site (and an event's venue)
    public string? Address { get; private set; }
    public double? Latitude { get; private set; }
    public double? Longitude { get; private set; }
    public string? Phone { get; private set; }
    public string? Email { get; private set; }
    public string? Hours { get; private set; }
    public int Version { get; private set; }

    public sealed record Content(PortalSection Section, Guid OrganisationId, string? Title, string? Summary, string? Body, string? Link, Guid? TerritoryId,
        bool IsPublished, DateTime? StartsAtUtc, DateTime? EndsAtUtc, int? Capacity, string? Address, double? Latitude, double? Longitude,
        string? Phone, string? Email, string? Hours);

    public Content Current => new(Section, OrganisationId, Title, Summary, Body, Link, TerritoryId, IsPublished, StartsAtUtc, EndsAtUtc, Capacity, Address,
        Latitude, Longitude, Phone, Email, Hours);

    /// <summary>The sections whose items are posted here (measures and the register have their own screens).</summary>
    public static readonly PortalSection[] Sections =
    [
        PortalSection.News, PortalSection.Events, PortalSection.SuccessStories, PortalSection.Official, PortalSection.Analytics,
        PortalSection.Institutions, PortalSection.Incubators, PortalSection.Sites,
    ];

    /// <summary>Items that describe a place and stay: confirmed current every period rather than replaced by newer ones.</summary>
    public static bool IsLasting(PortalSection s) => s is PortalSection.Institutions or PortalSection.Incubators or PortalSection.Sites;

    public bool IsStale(DateTime nowUtc) => IsLasting(Section) && nowUtc >= CheckedAtUtc.AddDays(PeriodDays);

    public static PortalItem Create(Content c, DateTime nowUtc, Guid? id = null)
    {
        var item = new PortalItem { Id = id ?? Guid.CreateVersion7(), PublishedAtUtc = nowUtc };
        item.Apply(c, nowUtc);
        return item;
    }

    public void Edit(Content c, int version, DateTime nowUtc)
    {
        if (version != Version) throw new RuleException("item.version", "Запись уже изменили: откройте её заново и повторите правку.");
        if (c.Section != Section) throw new InputException("section", "item.section", "Раздел записи не меняется: создайте новую запись в нужном разделе.", 422);
        var wasPublished = IsPublished;
        Apply(c, nowUtc);
        if (!wasPublished && IsPublished) PublishedAtUtc = nowUtc;
    }

    /// <summary>The owner confirms the item is current without changing it (a site, an incubator: monthly).</summary>
    public void MarkChecked(DateTime nowUtc)
    {
        CheckedAtUtc = nowUtc;
        (StaleLevel, StaleSinceUtc) = (FreshnessLevel.Fresh, null);
        Version++;
    }

    public DateTime DueAtUtc => CheckedAtUtc.AddDays(PeriodDays);

    /// <summary>
    /// The watch's decision for this item, as for a section's clock: a published lasting item past its period — its owner
    /// told at once, the portal's administrator when it stays unconfirmed <paramref name="grace"/> more; null when nothing
    /// is due. Recorded with <see cref="RecordTold"/>.
    /// </summary>
    public FreshnessLevel? NextLevel(DateTime nowUtc, TimeSpan grace) => !IsPublished || !IsStale(nowUtc) ? null : StaleLevel switch
    {
        FreshnessLevel.Fresh or FreshnessLevel.Stale => FreshnessLevel.OwnerTold,
        FreshnessLevel.OwnerTold when nowUtc >= (StaleSinceUtc ?? DueAtUtc) + grace => FreshnessLevel.AdministratorTold,
        _ => null,
    };

    public void RecordTold(FreshnessLevel level)
    {
        if (level == FreshnessLevel.OwnerTold) StaleSinceUtc ??= DueAtUtc;
        StaleLevel = level;
        Version++;
    }

    void Apply(Content c, DateTime nowUtc)
    {
        Check(c);
        Section = c.Section;
        OrganisationId = c.OrganisationId;
        Title = c.Title!.Trim();
        Summary = c.Summary?.Trim() ?? "";
        Body = c.Body?.Trim() ?? "";
        Link = Blank(c.Link);
        TerritoryId = c.TerritoryId;
        IsPublished = c.IsPublished;
        StartsAtUtc = c.StartsAtUtc;
        EndsAtUtc = c.EndsAtUtc;
        Capacity = c.Capacity;
        Address = Blank(c.Address);
        Latitude = c.Latitude;
        Longitude = c.Longitude;
        Phone = Blank(c.Phone);
        Email = Blank(c.Email);
        Hours = Blank(c.Hours);
        PeriodDays = SectionClock.DefaultPeriod(c.Section);
        UpdatedAtUtc = CheckedAtUtc = nowUtc;
        (StaleLevel, StaleSinceUtc) = (FreshnessLevel.Fresh, null);
        Version++;
    }

    static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>Every field refused by its name, in Russian, before anything is stored.</summary>
    public static void Check(Content c)
    {
        var e = new InputErrors();
        if (!Sections.Contains(c.Section)) e.Add("section", "item.section", "Выберите раздел: новости, мероприятия, истории успеха, официальная информация, аналитика, институты развития, бизнес-инкубаторы или бизнес-площадки.");
        if (string.IsNullOrWhiteSpace(c.Title)) e.Add("title", "field.required", "Укажите заголовок.");
        else if (c.Title.Trim().Length > 300) e.Add("title", "field.too_long", "Заголовок не длиннее 300 символов.");
        if (c.Summary is { Length: > 1000 }) e.Add("summary", "field.too_long", "Анонс не длиннее 1000 символов.");
        if (string.IsNullOrWhiteSpace(c.Body)) e.Add("body", "field.required", "Напишите текст.");
        else if (c.Body.Length > 20000) e.Add("body", "field.too_long", "Текст не длиннее 20 000 символов.");
        if (Blank(c.Link) is { } link && (!Uri.TryCreate(link, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https") || link.Length > 500))
            e.Add("link", "field.url", "Ссылка — адрес страницы, начинающийся с https://.");
        if (c.Section == PortalSection.Events)
        {
            if (c.StartsAtUtc is null) e.Add("startsAt", "field.required", "Укажите дату и время начала мероприятия.");
            else if (c.EndsAtUtc is { } end && end < c.StartsAtUtc) e.Add("endsAt", "event.ends_before", "Окончание раньше начала.");
            if (c.Capacity is < 1 or > 100_000) e.Add("capacity", "field.range", "Число мест — от 1 до 100 000, или оставьте пустым.");
            if (Blank(c.Address) is null) e.Add("address", "field.required", "Укажите, где пройдёт мероприятие (адрес или «онлайн»).");
        }
        if (IsLasting(c.Section) && Blank(c.Address) is null) e.Add("address", "field.required", "Укажите адрес.");
        if (c.Address is { Length: > 300 }) e.Add("address", "field.too_long", "Адрес не длиннее 300 символов.");
        if ((c.Latitude is null) != (c.Longitude is null)) e.Add("latitude", "point.pair", "Укажите и широту, и долготу — или ни одну.");
        if (c.Latitude is < -90 or > 90) e.Add("latitude", "point.range", "Широта — от −90 до 90.");
        if (c.Longitude is < -180 or > 180) e.Add("longitude", "point.range", "Долгота — от −180 до 180.");
        if (c.Section == PortalSection.Sites && c.Latitude is null) e.Add("latitude", "field.required", "Укажите точку площадки: она показывается на карте.");
        if (Blank(c.Phone) is { } phone && !Intake.SubmitRules.IsValidPhone(phone)) e.Add("phone", "field.phone", "Неверный номер телефона, например +7 343 123-45-67.");
        if (Blank(c.Email) is { } email && !Otklik.Features.Portal.Accounts.PortalAccounts.IsEmail(email)) e.Add("email", "field.email", "Неверный адрес электронной почты.");
        if (c.Hours is { Length: > 200 }) e.Add("hours", "field.too_long", "Часы работы не длиннее 200 символов.");
        foreach (var (field, value) in new[] { ("title", c.Title), ("summary", c.Summary), ("body", c.Body), ("address", c.Address), ("hours", c.Hours) })
            if (value is not null && Intake.SubmitRules.ContainsMarkup(value)) e.Add(field, "field.markup", "Поле не должно содержать HTML-разметку.");
        e.ThrowIfAny(422);
    }

    /// <summary>The section's address on the portal (/business/news …) and its name in the nominative plural.</summary>
    public static string Slug(PortalSection s) => s switch
    {
        PortalSection.News => "news",
        PortalSection.Events => "events",
        PortalSection.SuccessStories => "stories",
        PortalSection.Official => "official",
        PortalSection.Analytics => "analytics",
        PortalSection.Institutions => "institutions",
        PortalSection.Incubators => "incubators",
        PortalSection.Sites => "sites",
        PortalSection.Recipients => "recipients",
        _ => "measures",
    };

    public static PortalSection? FromSlug(string? slug) => Sections.Cast<PortalSection?>().FirstOrDefault(s => Slug(s!.Value) == slug);
}

/// <summary>A visitor's registration for an event: one per address, within the event's places, before it starts.</summary>
public sealed class EventRegistration
{
    public Guid Id { get; set; }
    public Guid ItemId { get; set; }
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public string? Phone { get; set; }
    public string? OrganisationName { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}

sealed class PortalItemConfiguration : IEntityTypeConfiguration<PortalItem>
{
    public void Configure(EntityTypeBuilder<PortalItem> b)
    {
        b.ToTable("PortalItems");
        b.HasKey(i => i.Id);
        b.Property(i => i.Title).HasMaxLength(300);
        b.Property(i => i.Summary).HasMaxLength(1000);
        b.Property(i => i.Body).HasMaxLength(20000);
        b.Property(i => i.Link).HasMaxLength(500);
        b.Property(i => i.Address).HasMaxLength(300);
        b.Property(i => i.Phone).HasMaxLength(50);
        b.Property(i => i.Email).HasMaxLength(200);
        b.Property(i => i.Hours).HasMaxLength(200);
        b.Property(i => i.Version).IsConcurrencyToken();
        b.HasIndex(i => new { i.Section, i.IsPublished, i.PublishedAtUtc });
        b.HasIndex(i => new { i.OrganisationId, i.Section });
        b.HasOne<Directory.Organisation>().WithMany().HasForeignKey(i => i.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Directory.Territory>().WithMany().HasForeignKey(i => i.TerritoryId).OnDelete(DeleteBehavior.SetNull);
    }
}

sealed class EventRegistrationConfiguration : IEntityTypeConfiguration<EventRegistration>
{
    public void Configure(EntityTypeBuilder<EventRegistration> b)
    {
        b.ToTable("EventRegistrations");
        b.HasKey(r => r.Id);
        b.Property(r => r.Name).HasMaxLength(200);
        b.Property(r => r.Email).HasMaxLength(200);
        b.Property(r => r.Phone).HasMaxLength(50);
        b.Property(r => r.OrganisationName).HasMaxLength(300);
        b.HasIndex(r => new { r.ItemId, r.Email }).IsUnique();
        b.HasOne<PortalItem>().WithMany().HasForeignKey(r => r.ItemId).OnDelete(DeleteBehavior.Cascade);
    }
}
