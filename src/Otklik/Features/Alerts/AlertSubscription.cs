using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Alerts;

/// <summary>What a citizen follows.</summary>
public enum AlertTarget
{
    /// <summary>One published appeal: its answer and its closing.</summary>
    Appeal,
    /// <summary>A territory of the region: answers to its published appeals and its known problems.</summary>
    Territory,
    /// <summary>A circle around a point (an address of the register): answers to published appeals inside it and the known problems of its territory.</summary>
    Radius,
}

/// <summary>
/// A citizen's alert («подписка»): a person signed in, or a visitor by e-mail once the address is confirmed, follows an
/// appeal, a territory or a radius around an address, optionally of one topic, and gets at most one letter per batch
/// window when something there is answered or a known problem is announced or resolved (<see cref="AlertSweep"/>, ADR 0039).
/// Unsubscribing deletes the row: nothing is kept about a person who no longer wants the letters.
/// </summary>
public sealed class AlertSubscription
{
    public const int MaxEmail = 256;
    public const int MaxPlace = 500;
    /// <summary>The radii a person can choose, in metres: a street, a neighbourhood, a district.</summary>
    public static readonly int[] Radii = [300, 1000, 3000];

    public Guid Id { get; private set; }
    /// <summary>The portal account that follows (letters go to its current e-mail); null for a visitor.</summary>
    public Guid? PersonId { get; private set; }
    /// <summary>A visitor's address (null for an account).</summary>
    public string? Email { get; private set; }
    public AlertTarget Target { get; private set; }
    public Guid? AppealId { get; private set; }
    /// <summary>The territory followed; for a radius, the territory its centre lies in (its known problems are the place's).</summary>
    public Guid? TerritoryId { get; private set; }
    /// <summary>Only this topic (null: every topic).</summary>
    public Guid? TopicId { get; private set; }
    public double? Latitude { get; private set; }
    public double? Longitude { get; private set; }
    public int? RadiusMetres { get; private set; }
    /// <summary>How the person named the place (the address chosen from the register), for the list and the letter.</summary>
    public string? Place { get; private set; }
    public DateTime CreatedAtUtc { get; private set; }
    /// <summary>When the address was confirmed (an account's at once); only confirmed alerts are sent.</summary>
    public DateTime? ConfirmedAtUtc { get; private set; }
    public DateTime? LastLetterAtUtc { get; private set; }

    AlertSubscription() { }

    public bool IsConfirmed => ConfirmedAtUtc is not null;

    /// <summary>A signed-in person follows an appeal.</summary>
    public static AlertSubscription ForAppeal(Guid appealId, Guid personId, DateTime nowUtc)
    {
        var s = New(AlertTarget.Appeal, personId, null, nowUtc);
        s.AppealId = appealId;
        return s;
    }

    /// <summary>A visitor follows an appeal by e-mail: sent only once the address is confirmed by the link in the letter.</summary>
    public static AlertSubscription ForAppealByEmail(Guid appealId, string? email, DateTime nowUtc)
    {
        var address = CheckEmail(email);
        var s = New(AlertTarget.Appeal, null, address, nowUtc);
        s.AppealId = appealId;
        return s;
    }

    public static AlertSubscription ForTerritory(Guid territoryId, Guid? topicId, Guid personId, DateTime nowUtc)
    {
        var s = New(AlertTarget.Territory, personId, null, nowUtc);
        (s.TerritoryId, s.TopicId) = (territoryId, topicId);
        return s;
    }

    /// <summary>A circle of one of <see cref="Radii"/> around a point; <paramref name="territoryId"/> is the territory the point lies in.</summary>
    public static AlertSubscription ForRadius(double latitude, double longitude, int radiusMetres, string place, Guid? territoryId, Guid? topicId,
        Guid personId, DateTime nowUtc)
    {
        var errors = new InputErrors();
        if (!Radii.Contains(radiusMetres)) errors.Add("radius", "request.invalid", "Выберите радиус: 300 м, 1 км или 3 км.");
        if (latitude is < -90 or > 90 || longitude is < -180 or > 180 || double.IsNaN(latitude) || double.IsNaN(longitude))
            errors.Add("address", "request.invalid", "Выберите адрес из списка или точку на карте.");
        place = place.Trim();
        if (place.Length > MaxPlace) errors.Add("address", "request.too_long", $"Не длиннее {MaxPlace} знаков.");
        errors.ThrowIfAny();
        var s = New(AlertTarget.Radius, personId, null, nowUtc);
        (s.Latitude, s.Longitude, s.RadiusMetres, s.Place, s.TerritoryId, s.TopicId) = (latitude, longitude, radiusMetres, place, territoryId, topicId);
        return s;
    }

    public void Confirm(DateTime nowUtc) => ConfirmedAtUtc ??= nowUtc;

    /// <summary>Does a published appeal at this point, territory and topic belong to this alert?</summary>
    public bool Covers(Guid appealId, Guid? territoryId, Guid? topicId, double? latitude, double? longitude) => Target switch
    {
        AlertTarget.Appeal => AppealId == appealId,
        AlertTarget.Territory => TerritoryId == territoryId && (TopicId is null || TopicId == topicId),
        AlertTarget.Radius => (TopicId is null || TopicId == topicId) && latitude is { } lat && longitude is { } lon
            && Distance.Metres(Latitude!.Value, Longitude!.Value, lat, lon) <= RadiusMetres,
        _ => false,
    };

    /// <summary>Does a known problem of this territory and topic concern this alert? (An appeal's follower is told of its answer only.)</summary>
    public bool CoversProblem(Guid? territoryId, Guid? topicId) =>
        Target != AlertTarget.Appeal && territoryId is not null && TerritoryId == territoryId && (TopicId is null || TopicId == topicId);

    internal void Sent(DateTime nowUtc) => LastLetterAtUtc = nowUtc;

    static AlertSubscription New(AlertTarget target, Guid? personId, string? email, DateTime nowUtc) => new()
    {
        Id = Guid.CreateVersion7(), Target = target, PersonId = personId, Email = email, CreatedAtUtc = nowUtc,
        ConfirmedAtUtc = personId is null ? null : nowUtc,
    };

    static string CheckEmail(string? email)
    {
        email = email?.Trim() ?? "";
        if (email.Length == 0) throw new InputException("email", "request.required", "Укажите адрес электронной почты.");
        if (email.Length > MaxEmail || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || !email.Contains('.', StringComparison.Ordinal))
            throw new InputException("email", "request.invalid", "Адрес электронной почты указан с ошибкой, например: ivanova@mail.ru.");
        return email;
    }
}

/// <summary>Great-circle distance on a sphere of the Earth's mean radius: close enough for radii of hundreds of metres.</summary>
public static class Distance
{
    public static double Metres(double lat1, double lon1, double lat2, double lon2)
    {
        const double R = 6_371_000;
        static double Rad(double d) => d * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var h = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * R * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}

/// <summary>
/// One batch window the alert sweep has dealt with: (<see cref="FromUtc"/>, <see cref="ToUtc"/>]. Its key is where it
/// starts, so two nodes that take the same window cannot both record it: the second insert fails and its letters with it.
/// </summary>
public sealed class AlertWindow
{
    public DateTime FromUtc { get; set; }
    public DateTime ToUtc { get; set; }
    public int Letters { get; set; }
}

sealed class AlertSubscriptionConfiguration : IEntityTypeConfiguration<AlertSubscription>
{
    public void Configure(EntityTypeBuilder<AlertSubscription> b)
    {
        b.ToTable("AlertSubscriptions");
        b.Property(x => x.Email).HasMaxLength(AlertSubscription.MaxEmail);
        b.Property(x => x.Place).HasMaxLength(AlertSubscription.MaxPlace);
        b.Property(x => x.Target).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(x => x.PersonId);
        b.HasIndex(x => x.AppealId);
        b.HasIndex(x => x.TerritoryId);
        b.HasOne<Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Appeal>().WithMany().HasForeignKey(x => x.AppealId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Territory>().WithMany().HasForeignKey(x => x.TerritoryId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Topic>().WithMany().HasForeignKey(x => x.TopicId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class AlertWindowConfiguration : IEntityTypeConfiguration<AlertWindow>
{
    public void Configure(EntityTypeBuilder<AlertWindow> b)
    {
        b.ToTable("AlertWindows");
        b.HasKey(x => x.FromUtc);
    }
}
