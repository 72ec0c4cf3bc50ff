using System.Net.Mail;
using System.Text.RegularExpressions;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Features.Intake;

/// <summary>What a submitted appeal must satisfy before anything is stored. Pure checks, collected into field errors.</summary>
public static partial class SubmitRules
{
    public const int MaxTextLength = Appeal.MaxTextLength;
    public const int MinTextLength = 10;

    [GeneratedRegex(@"^\+?[0-9][0-9\s\-()]{6,20}$")]
    private static partial Regex PhonePattern();

    // ASCII only: \d would let other scripts' digits through to long.Parse, which throws on them.
    [GeneratedRegex(@"^[0-9]+\z")]
    private static partial Regex Digits();

    public static bool ContainsMarkup(string text) => TextRules.ContainsMarkup(text);

    public static bool IsValidPhone(string phone) => PhonePattern().IsMatch(phone);

    public static void CheckText(InputErrors errors, string field, string? text, int min = MinTextLength, int max = MaxTextLength) =>
        TextRules.CheckText(errors, field, text, min, max);

    public static void CheckOptional(InputErrors errors, string field, string? value, int max) => TextRules.CheckOptional(errors, field, value, max);

    /// <summary>
    /// An identifier a channel gives its message (an e-mail's Message-ID is written «&lt;id@host&gt;»): never shown as text,
    /// so only its length and control characters are checked, not markup.
    /// </summary>
    public static void CheckIdentifier(InputErrors errors, string field, string? value, int max)
    {
        if (value is null) return;
        if (value.Length > max) errors.Add(field, "text.too_long", $"Не длиннее {max} символов.");
        if (value.Any(char.IsControl)) errors.Add(field, "text.control", "Поле не должно содержать управляющих символов.");
    }

    public static void CheckApplicant(InputErrors e, ApplicantInfo? a, LegalRegime regime)
    {
        if (a is null)
        {
            if (regime != LegalRegime.SocialIncident) e.Add("applicant", "field.required", "Укажите сведения о заявителе.");
            return;
        }
        foreach (var (field, value, max) in new[]
        {
            ("applicant.lastName", a.LastName, 100), ("applicant.firstName", a.FirstName, 100), ("applicant.middleName", a.MiddleName, 100),
            ("applicant.postalAddress", a.PostalAddress, 500), ("applicant.organisationName", a.OrganisationName, 300),
            ("applicant.representativeName", a.RepresentativeName, 300),
        })
            CheckOptional(e, field, value, max);

        if (a.Email is { Length: > 0 } email && (email.Length > 200 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email.Trim()))
            e.Add("applicant.email", "applicant.email", "Неверный адрес электронной почты.");
        if (a.Phone is { Length: > 0 } phone && !PhonePattern().IsMatch(phone))
            e.Add("applicant.phone", "applicant.phone", "Неверный номер телефона.");
        if (a.CoSignerCount is < 0 or > 100_000)
            e.Add("applicant.coSignerCount", "applicant.cosigners", "Число соавторов — от 0 до 100 000.");

        switch (a.Kind)
        {
            case ApplicantKind.Anonymous:
                if (regime is not LegalRegime.SocialIncident)
                    e.Add("applicant.kind", "applicant.anonymous", $"Режим «{Labels.Of(regime)}» не допускает анонимных обращений.");
                return;
            case ApplicantKind.Organisation:
                if (string.IsNullOrWhiteSpace(a.OrganisationName)) e.Add("applicant.organisationName", "field.required", "Укажите название организации.");
                if (string.IsNullOrWhiteSpace(a.RepresentativeName) && string.IsNullOrWhiteSpace(a.LastName))
                    e.Add("applicant.representativeName", "field.required", "Укажите представителя организации.");
                if (a.Inn is { Length: > 0 } inn && !IsValidInn(inn)) e.Add("applicant.inn", "applicant.inn", "Неверный ИНН.");
                if (a.Ogrn is { Length: > 0 } ogrn && !IsValidOgrn(ogrn)) e.Add("applicant.ogrn", "applicant.ogrn", "Неверный ОГРН.");
                break;
            default:
                if (string.IsNullOrWhiteSpace(a.LastName) && regime == LegalRegime.Obrashchenie59)
                    e.Add("applicant.lastName", "field.required", "Укажите фамилию: без неё обращение по 59-ФЗ не рассматривается.");
                if (string.IsNullOrWhiteSpace(a.FirstName)) e.Add("applicant.firstName", "field.required", "Укажите имя.");
                break;
        }

        var hasEmail = !string.IsNullOrWhiteSpace(a.Email);
        var hasPhone = !string.IsNullOrWhiteSpace(a.Phone);
        var hasPostal = !string.IsNullOrWhiteSpace(a.PostalAddress);
        if (regime == LegalRegime.Obrashchenie59 && !hasEmail && !hasPostal)
            e.Add("applicant.email", "applicant.no_address", "Укажите адрес электронной почты или почтовый адрес для ответа.");
        else if (regime is LegalRegime.PlatformMessage or LegalRegime.BusinessConsultation && !hasEmail && !hasPhone)
            e.Add("applicant.email", "applicant.no_contact", "Укажите адрес электронной почты или телефон для ответа.");
    }

    public static void CheckLocation(InputErrors e, double? latitude, double? longitude)
    {
        if (latitude is null != longitude is null)
            e.Add(latitude is null ? "latitude" : "longitude", "location.pair", "Укажите обе координаты точки.");
        if (latitude is { } lat && (double.IsNaN(lat) || lat is < -90 or > 90)) e.Add("latitude", "location.range", "Широта — от −90 до 90.");
        if (longitude is { } lon && (double.IsNaN(lon) || lon is < -180 or > 180)) e.Add("longitude", "location.range", "Долгота — от −180 до 180.");
    }

    /// <summary>ИНН: 10 digits for an organisation, 12 for a person or sole trader, with their check digits.</summary>
    public static bool IsValidInn(string inn)
    {
        if (!Digits().IsMatch(inn)) return false;
        int[] d = [.. inn.Select(c => c - '0')];
        static int Check(int[] digits, int[] weights) => weights.Select((w, i) => w * digits[i]).Sum() % 11 % 10;
        return d.Length switch
        {
            10 => Check(d, [2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[9],
            12 => Check(d, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[10] && Check(d, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[11],
            _ => false,
        };
    }

    /// <summary>ОГРН (13 digits) or ОГРНИП (15 digits) with its check digit.</summary>
    public static bool IsValidOgrn(string ogrn)
    {
        if (!Digits().IsMatch(ogrn)) return false;
        return ogrn.Length switch
        {
            13 => long.Parse(ogrn[..12]) % 11 % 10 == ogrn[12] - '0',
            15 => long.Parse(ogrn[..14]) % 13 % 10 == ogrn[14] - '0',
            _ => false,
        };
    }
}
