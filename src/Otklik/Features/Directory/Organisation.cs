using Otklik.Infrastructure;

namespace Otklik.Features.Directory;

public enum OrganisationKind { Region, CentreOfManagement, Ministry, Department, Municipality, Fund, FederalBody }

/// <summary>A body that takes part in handling appeals. Organisations form one tree per region.</summary>
public sealed class Organisation
{
    Organisation() { }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public string ShortName { get; private set; } = "";
    public OrganisationKind Kind { get; private set; }
    public Guid? ParentId { get; private set; }
    /// <summary>Materialised path of ids, "/root/child/self/": the scope of a role at this organisation is every path that starts with it.</summary>
    public string Path { get; private set; } = "";
    /// <summary>IANA time zone, e.g. Asia/Yekaterinburg.</summary>
    public string TimeZone { get; private set; } = "Europe/Moscow";
    public TimeOnly WorkdayStart { get; private set; } = new(9, 0);
    public TimeOnly WorkdayEnd { get; private set; } = new(18, 0);
    public TimeOnly? BreakStart { get; private set; } = new(13, 0);
    public TimeOnly? BreakEnd { get; private set; } = new(14, 0);
    /// <summary>False for bodies outside the platform (a federal body): an appeal redirected there leaves Otklik.</summary>
    public bool IsConnected { get; private set; } = true;
    /// <summary>Answers of this organisation go out only after a controller approves them.</summary>
    public bool AnswersNeedApproval { get; private set; } = true;
    public bool SitsOnBusinessProtectionHq { get; private set; }
    public string? Inn { get; private set; }
    public string? Email { get; private set; }
    /// <summary>What the organisation does, for its public page (funds and departments are found by it).</summary>
    public string? About { get; private set; }
    /// <summary>Where visitors are received: the postal address of the reception.</summary>
    public string? Address { get; private set; }
    public string? Phone { get; private set; }
    public string? Website { get; private set; }
    public int Version { get; private set; }

    public static Organisation Create(Guid id, string name, string shortName, OrganisationKind kind, Organisation? parent,
        string timeZone, bool isConnected = true, bool sitsOnHq = false)
    {
        var org = new Organisation { Id = id };
        org.Update(name, shortName, kind, timeZone, isConnected, sitsOnHq);
        org.Path = (parent?.Path ?? "/") + id.ToString("N") + "/";
        org.ParentId = parent?.Id;
        return org;
    }

    public void Update(string name, string shortName, OrganisationKind kind, string timeZone, bool isConnected, bool sitsOnHq)
    {
        if (!TimeZones.IsValid(timeZone))
            throw new InputException("timeZone", "organisation.time_zone", $"Неизвестный часовой пояс «{timeZone}».");
        Name = name.Trim();
        ShortName = string.IsNullOrWhiteSpace(shortName) ? Name : shortName.Trim();
        Kind = kind;
        TimeZone = timeZone;
        IsConnected = isConnected;
        SitsOnBusinessProtectionHq = sitsOnHq;
        Version++;
    }

    public void SetWorkingHours(TimeOnly start, TimeOnly end, TimeOnly? breakStart, TimeOnly? breakEnd)
    {
        if (end <= start)
            throw new InputException("workdayEnd", "organisation.working_hours", "Конец рабочего дня должен быть позже начала.");
        if (breakStart is not null != breakEnd is not null || breakStart >= breakEnd || breakStart < start || breakEnd > end)
            throw new InputException("breakStart", "organisation.break", "Перерыв должен лежать внутри рабочего дня.");
        (WorkdayStart, WorkdayEnd, BreakStart, BreakEnd) = (start, end, breakStart, breakEnd);
        Version++;
    }

    public void SetAnswersNeedApproval(bool value) { AnswersNeedApproval = value; Version++; }
    public void SetContacts(string? inn, string? email) { Inn = inn; Email = email; Version++; }

    /// <summary>The public page's text and contacts; blank clears a field.</summary>
    public void SetPublicProfile(string? about, string? address, string? phone, string? website)
    {
        static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        (about, address, phone, website) = (Clean(about), Clean(address), Clean(phone), Clean(website));
        var e = new InputErrors();
        if (about is { Length: > 2000 }) e.Add("about", "field.too_long", "Описание — не длиннее 2000 символов.");
        if (address is { Length: > 300 }) e.Add("address", "field.too_long", "Адрес — не длиннее 300 символов.");
        if (phone is { Length: > 50 }) e.Add("phone", "field.too_long", "Телефон — не длиннее 50 символов.");
        if (website is not null && (website.Length > 300 || !Uri.TryCreate(website, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
            e.Add("website", "field.url", "Сайт — адрес, начинающийся с https://.");
        e.ThrowIfAny();
        (About, Address, Phone, Website) = (about, address, phone, website);
        Version++;
    }

    public bool Contains(Organisation other) => other.Path.StartsWith(Path, StringComparison.Ordinal);
}

public static class TimeZones
{
    public static bool IsValid(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
    public static TimeZoneInfo Find(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);
}
