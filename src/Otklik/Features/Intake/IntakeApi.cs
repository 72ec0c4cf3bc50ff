using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Intake;

public static class IntakeApi
{
    public static RouteGroupBuilder MapIntakeApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("").WithTags("Intake");
        group.MapPost("/appeals", Submit).AllowAnonymous().WithName("SubmitAppeal")
            .WithSummary("Submit an appeal; the same Idempotency-Key and body return the same appeal.")
            .Produces<AppealView>(StatusCodes.Status201Created).Produces<AppealView>();
        return group;
    }

    public sealed record SubmitRequest(
        AppealType? Type, AppealKind? Kind, LegalRegime? Regime, Channel? Channel, string? ChannelMessageId,
        ApplicantInfo? Applicant, Guid? CategoryId, Guid? TopicId, Guid? TerritoryId, string? Address,
        double? Latitude, double? Longitude, string? Text, bool IsPublic, bool PublicationConsent, Guid[]? AttachmentIds,
        AppealPriority? Priority = null, Guid? RespondentOrganisationId = null,
        // When the channel received it (a letter yesterday): the deadlines count from then. Left out of the JSON when
        // absent, so the idempotency hash of a request without it is what it was before the field existed.
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        DateTime? ReceivedAtUtc = null);

    static async Task<IResult> Submit(SubmitRequest request, HttpContext http, AppDbContext db, CurrentUser user, SubmitAppeal intake,
        TimeProvider clock, CancellationToken ct)
    {
        var submitted = await intake.RunAsync(request, await IntakeActor.OfAsync(user, ct), http.Request.Headers["Idempotency-Key"].ToString(), ct);
        var now = clock.GetUtcNow().UtcDateTime;
        // A new appeal is answered from what was just written (its files read back if it has any); a replay reads it.
        var view = submitted.Written is { } written
            ? AppealViews.Of(written, request.AttachmentIds is { Length: > 0 } ? await AppealViews.AttachmentsAsync(db, written.Id, ct) : [], now)
            : await AppealViews.LoadAsync(db, submitted.AppealId, now, ct);
        return submitted.IsNew ? TypedResults.Created($"/api/v1/appeals/{view.Id}", view) : TypedResults.Ok(view);
    }

    /// <summary>The appeal a submission ended in, and whether it made a new one or found an earlier twin.</summary>
    /// <param name="Written">The appeal as written, when this submission made it (not when it found a twin).</param>
    public sealed record Submitted(Guid AppealId, bool IsNew, Appeal? Written = null);

    /// <summary>
    /// Takes the next <paramref name="count"/> numbers of the year inside the caller's transaction and returns the last of
    /// them: the row lock (PostgreSQL) or the write lock (SQLite) serialises concurrent writers, and a rolled-back
    /// transaction gives its numbers back unused.
    /// </summary>
    internal static async Task<int> NextSequenceAsync(AppDbContext db, int year, CancellationToken ct, int count = 1)
    {
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = """
            INSERT INTO "AppealCounters" ("Year", "Last") VALUES (@year, @count)
            ON CONFLICT ("Year") DO UPDATE SET "Last" = "AppealCounters"."Last" + @count
            RETURNING "Last"
            """;
        foreach (var (name, value) in new[] { ("@year", year), ("@count", count) })
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
