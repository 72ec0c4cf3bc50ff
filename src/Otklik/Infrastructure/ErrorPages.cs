namespace Otklik.Infrastructure;

/// <summary>
/// Who gets an HTML error page and what it says. A browser asking for a page (Accept: text/html) outside the API gets
/// Features/Errors/ErrorPage; the API, the counters the office polls and any client that did not ask for HTML keep
/// the ProblemDetails JSON.
/// </summary>
public static class ErrorPages
{
    public const string Path = "/error/{0}";

    public static bool WantsPage(HttpContext http)
    {
        var request = http.Request;
        if (request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/office/counters")
            || request.Path.StartsWithSegments("/openapi") || request.Path.StartsWithSegments("/health")) return false;
        return request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The heading and the sentence for a status, more precise where the address tells what was looked for.</summary>
    public static (string Title, string Detail) Explain(int status, string path, string? detail) => status switch
    {
        404 when path.StartsWith("/my/", StringComparison.OrdinalIgnoreCase) => ("Обращение не найдено",
            "Среди ваших обращений такого нет. Проверьте номер или войдите под той учётной записью, с которой обращение было подано."),
        404 when path.StartsWith("/faq/", StringComparison.OrdinalIgnoreCase) => ("Статья не найдена",
            "Такой статьи нет среди частых вопросов: возможно, её сняли с публикации или ссылка устарела."),
        404 => ("Страница не найдена", "Такой страницы нет: возможно, ссылка устарела или в адресе опечатка."),
        403 => ("Недостаточно прав", "Вашей учётной записи эта страница недоступна. Если она нужна вам для работы, обратитесь к администратору."),
        401 => ("Требуется вход", "Войдите, чтобы открыть эту страницу."),
        405 => ("Действие недоступно", "Эта страница не принимает такой запрос. Вернитесь назад и повторите действие."),
        >= 500 => ("Что-то пошло не так", "Произошла ошибка на сервере. Попробуйте ещё раз через несколько минут."),
        _ => (Problems.TitleFor(status), detail ?? "Запрос не удалось выполнить. Вернитесь назад и повторите действие."),
    };
}
