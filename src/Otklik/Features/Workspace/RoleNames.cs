using Otklik.Features.Directory;

namespace Otklik.Features.Workspace;

public static class RoleNames
{
    public static string Of(Role role) => role switch
    {
        Role.Applicant => "Заявитель",
        Role.Operator => "Оператор",
        Role.Moderator => "Модератор",
        Role.Dispatcher => "Ответственный за распределение",
        Role.Executor => "Исполнитель",
        Role.Controller => "Контролёр",
        Role.HqMember => "Член Штаба",
        Role.ContentEditor => "Редактор портала",
        Role.Analyst => "Аналитик",
        Role.Administrator => "Администратор",
        Role.SecurityOfficer => "Администратор безопасности",
        _ => role.ToString(),
    };
}
