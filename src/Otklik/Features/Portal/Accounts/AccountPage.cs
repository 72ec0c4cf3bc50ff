using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Otklik.Features.Portal.Accounts;

/// <summary>What every account page shares: field errors keyed by the field's name, and one message above the form.</summary>
public abstract class AccountPage : PageModel
{
    public Dictionary<string, string> Errors { get; } = [];
    public string? Error { get; protected set; }
    public string? ErrorFor(string field) => Errors.GetValueOrDefault(field);

    protected static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    protected void Require(string field, string? value, string message, int max = 100)
    {
        if (string.IsNullOrWhiteSpace(value)) Errors[field] = message;
        else if (value.Trim().Length > max) Errors[field] = $"Не длиннее {max} символов.";
        else if (Intake.SubmitRules.ContainsMarkup(value)) Errors[field] = "Поле не должно содержать HTML-разметку.";
    }

    protected void Optional(string field, string? value, int max = 100)
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        if (value.Trim().Length > max) Errors[field] = $"Не длиннее {max} символов.";
        else if (Intake.SubmitRules.ContainsMarkup(value)) Errors[field] = "Поле не должно содержать HTML-разметку.";
    }

    protected void CheckPhone(string? phone)
    {
        if (Blank(phone) is { } p && !Intake.SubmitRules.IsValidPhone(p)) Errors["Phone"] = "Неверный номер телефона, например +7 912 345-67-89.";
    }

    protected void CheckOrganisation(bool isOrganisation, string? name, string? inn)
    {
        if (!isOrganisation) return;
        Require("OrganisationName", name, "Укажите название организации.", 300);
        if (Blank(inn) is not { } i) Errors["Inn"] = "Укажите ИНН организации.";
        else if (!Intake.SubmitRules.IsValidInn(i)) Errors["Inn"] = "Неверный ИНН: 10 цифр для организации или 12 для ИП, с верными контрольными цифрами.";
    }

    /// <summary>Shown when the page refused the form: the status says so to scripts and tests, the page keeps what was typed.</summary>
    protected PageResult Refused()
    {
        Error ??= "Форма не отправлена: исправьте отмеченные поля.";
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }
}
