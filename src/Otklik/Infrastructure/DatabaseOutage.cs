using System.Data.Common;
using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Otklik.Data;

namespace Otklik.Infrastructure;

/// <summary>
/// While the database cannot be reached the node says so honestly (issue 21 item 7): every request that needed it is
/// answered 503 with <c>Retry-After</c> (ProblemDetails for the API, a Russian page for a browser), the outage is logged
/// once when it begins and once when it ends — not one error per statement, which filled the log with 10,565 SQL
/// errors in 15 s — and the node recovers by itself: the pool simply connects again (ADR 0028).
/// </summary>
public sealed class DatabaseOutage(ILogger<DatabaseOutage> log)
{
    /// <summary>What a refused client is told to wait: a restarting PostgreSQL is usually back within seconds.</summary>
    public const int RetryAfterSeconds = 5;

    int _down;
    long _since;
    long _refused;

    public bool IsDown => Volatile.Read(ref _down) == 1;

    /// <summary>
    /// Whether <paramref name="e"/> (or what it wraps) says the database is unreachable or unavailable — not that a
    /// statement was wrong: a refused or broken connection, a server shutting down or starting, too many connections,
    /// a pool that waited in vain; for SQLite a file that cannot be opened, read or written, or stays locked.
    /// </summary>
    public static bool IsUnavailable(Exception? e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case Npgsql.PostgresException p:
                    return p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState.StartsWith("57P", StringComparison.Ordinal)
                        || p.SqlState == "53300";
                case Npgsql.NpgsqlException n when n.IsTransient:
                    return true;
                case SqliteException s:
                    return s.SqliteErrorCode is 5 /* BUSY */ or 10 /* IOERR */ or 13 /* FULL */ or 14 /* CANTOPEN */;
                case AggregateException a when a.InnerExceptions.Any(IsUnavailable):
                    return true;
            }
        }
        return false;
    }

    /// <summary>A statement or a connection failed for want of the database: the first such failure of an outage is logged.</summary>
    public void Failed(Exception e)
    {
        if (Interlocked.Exchange(ref _down, 1) == 1) return;
        Interlocked.Exchange(ref _since, Stopwatch.GetTimestamp());
        Interlocked.Exchange(ref _refused, 0);
        Telemetry.DatabaseOutages.Add(1);
        log.LogError("The database cannot be reached: {Reason}. Requests that need it are answered 503 until it is back; "
            + "this is logged once for the whole outage.", e.GetBaseException().Message);
    }

    public void Refused() => Interlocked.Increment(ref _refused);

    /// <summary>A statement went through: if an outage was on, it is over, and that is logged with how long it lasted.</summary>
    public void Succeeded()
    {
        if (Volatile.Read(ref _down) == 0 || Interlocked.Exchange(ref _down, 0) == 0) return;
        log.LogWarning("The database is reachable again after {Seconds:0.0} s; {Refused} requests were answered 503 meanwhile.",
            Stopwatch.GetElapsedTime(Interlocked.Read(ref _since)).TotalSeconds, Interlocked.Read(ref _refused));
    }
}

/// <summary>Watches every statement and connection of both engines' contexts for the outage's start and end.</summary>
public sealed class DatabaseOutageInterceptor(DatabaseOutage outage) : DbCommandInterceptor, IDbConnectionInterceptor
{
    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Check(eventData.Exception);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Check(eventData.Exception);
        return Task.CompletedTask;
    }

    void IDbConnectionInterceptor.ConnectionFailed(DbConnection connection, ConnectionErrorEventData eventData) => Check(eventData.Exception);

    Task IDbConnectionInterceptor.ConnectionFailedAsync(DbConnection connection, ConnectionErrorEventData eventData, CancellationToken cancellationToken)
    {
        Check(eventData.Exception);
        return Task.CompletedTask;
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        outage.Succeeded();
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
        CancellationToken cancellationToken = default)
    {
        outage.Succeeded();
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        outage.Succeeded();
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        outage.Succeeded();
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        outage.Succeeded();
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result,
        CancellationToken cancellationToken = default)
    {
        outage.Succeeded();
        return ValueTask.FromResult(result);
    }

    void Check(Exception e)
    {
        if (DatabaseOutage.IsUnavailable(e)) outage.Failed(e);
    }
}

/// <summary>Answers a request that failed for want of the database: 503, <c>Retry-After</c>, no error logged per request.</summary>
public sealed class DatabaseOutageHandler(DatabaseOutage outage, IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!DatabaseOutage.IsUnavailable(exception)) return false;
        outage.Failed(exception);
        outage.Refused();
        http.Response.Headers.RetryAfter = DatabaseOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers.CacheControl = "no-store";
        if (!ErrorPages.WantsPage(http))
            return await Problems.WriteAsync(problems, http, StatusCodes.Status503ServiceUnavailable, "service.unavailable", "Сервис временно недоступен",
                $"База данных временно недоступна. Повторите запрос через {DatabaseOutage.RetryAfterSeconds} секунд.", null);
        // The error page's frame reads the database (the office menu, the signed-in person), so this page is drawn
        // here, alone, with only the site's style sheet.
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(Page, ct);
        return true;
    }

    const string Page = """
        <!DOCTYPE html>
        <html lang="ru">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Сервис временно недоступен — Отклик</title>
        <link rel="stylesheet" href="/css/site.css">
        </head>
        <body>
        <main id="main">
        <section class="error-page" aria-labelledby="error-title">
        <h1 id="error-title">Сервис временно недоступен</h1>
        <p>Мы не можем сейчас обратиться к базе данных. Если вы отправляли форму, она не сохранена: повторите действие через несколько секунд.</p>
        <p class="muted">Код ошибки: 503</p>
        <ul class="error-ways"><li><a href="">Обновить страницу</a></li><li><a href="/">На главную</a></li></ul>
        </section>
        </main>
        </body>
        </html>
        """;
}

public static class DatabaseOutageRegistration
{
    /// <summary>
    /// The outage watch on both engines' contexts. EF's own per-statement error events go to Debug: the failure still
    /// reaches the code that ran the statement (a request answers 500 and logs it with its path, a sweep logs it), so
    /// each failure is logged once by its owner instead of two or three times.
    /// </summary>
    public static IServiceCollection AddDatabaseOutage(this IServiceCollection services)
    {
        services.AddSingleton<DatabaseOutage>();
        services.AddSingleton<DatabaseOutageInterceptor>();
        services.AddExceptionHandler<DatabaseOutageHandler>();
        services.ConfigureDbContext<SqliteAppDbContext>((sp, o) => Configure(sp, o));
        services.ConfigureDbContext<PostgresAppDbContext>((sp, o) => Configure(sp, o));
        return services;
    }

    static void Configure(IServiceProvider services, DbContextOptionsBuilder options) =>
        options.AddInterceptors(services.GetRequiredService<DatabaseOutageInterceptor>())
            .ConfigureWarnings(w => w.Log(
                (RelationalEventId.CommandError, LogLevel.Debug), (RelationalEventId.ConnectionError, LogLevel.Debug),
                (CoreEventId.QueryIterationFailed, LogLevel.Debug), (CoreEventId.SaveChangesFailed, LogLevel.Debug)));
}
