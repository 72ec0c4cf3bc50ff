using System.Data;
using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Otklik.Tests.Api;
using Otklik.Tests.Deployment;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Operations;

/// <summary>
/// The backup drill of docs/operations.md, section 6 (issue 21 item 8): pg_dump while applicants keep submitting
/// appeals with a file each, the files copied after the dump, a restore into a new database, a node of the published
/// app started on it — and the restored appeals, history events, outbox messages and files are those of the dump's
/// moment (the counts taken in the very snapshot pg_dump used), every restored file's bytes served again. With the
/// files in the database (Otklik:FileStore=Database, ADR 0046) the dump holds them: nothing is copied beside it.
/// </summary>
public sealed class BackupDrillTests
{
    static readonly string[] Tables = ["Appeals", "AppealEvents", "Outbox", "Attachments"];

    [Theory, InlineData("Disk"), InlineData("Database")]
    public async Task A_dump_under_write_load_restores_with_the_counts_and_files_of_its_moment(string store)
    {
        var inDatabase = store == "Database";
        await using var app = await TestApp.StartAsync(Engine.Postgres, settings: new Dictionary<string, string?> { ["Otklik:FileStore"] = store });
        var config = app.Services.GetRequiredService<IConfiguration>();
        var files = config["Otklik:Files"]!;
        var source = new NpgsqlConnectionStringBuilder(config.GetConnectionString("Otklik"));
        var work = Directory.CreateTempSubdirectory("otklik-drill-").FullName;
        await using var restored = await ScratchDatabase.CreateAsync(Engine.Postgres);
        try
        {
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
            {
                var written = 0;
                while (!stop.IsCancellationRequested)
                {
                    var photo = await AnswerAttachmentTests.UploadAsync(app, Persona.Applicant, AnswerAttachmentTests.Pdf($"w{w}-{written}"), "photo.pdf");
                    await app.SubmitAsync(Samples.Pothole(app.Region).With("attachmentIds", new[] { photo.Id }));
                    written++;
                }
                return written;
            })).ToList();
            // The dump starts once the load is under way: a few appeals with their photos written, more coming.
            for (var wait = 0; wait < 600 && await app.WithDbAsync(db => db.Appeals.CountAsync()) < 6; wait++)
            {
                if (writers.FirstOrDefault(w => w.IsFaulted) is { } broken) await broken;
                await Task.Delay(100);
            }

            // The dump's moment: a snapshot exported by a session that counts in it, then pg_dump in the same snapshot.
            Dictionary<string, long> atDump;
            var dump = Path.Combine(work, "otklik.dump");
            await using (var session = new NpgsqlConnection(source.ConnectionString))
            {
                await session.OpenAsync();
                await using var tx = await session.BeginTransactionAsync(IsolationLevel.RepeatableRead);
                await using var export = new NpgsqlCommand("SELECT pg_export_snapshot()", session, tx);
                var snapshot = (string)(await export.ExecuteScalarAsync())!;
                atDump = await CountAsync(session, tx);
                await RunAsync("pg_dump", "-Fc", "--snapshot=" + snapshot, "-h", source.Host!, "-p", source.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "-U", source.Username!, "-d", source.Database!, "-f", dump);
                await tx.CommitAsync();
            }
            // Files after the dump (docs/operations.md): every row of the dump has its file in the copy.
            var filesCopy = Path.Combine(work, "files");
            if (!inDatabase) CopyDirectory(files, filesCopy);
            await stop.CancelAsync();
            var written = (await Task.WhenAll(writers)).Sum();
            var atEnd = await app.WithDbAsync(async db => (long)await db.Appeals.CountAsync());
            Assert.True(atEnd > atDump["Appeals"], $"no appeal was written after the dump's moment ({atEnd} appeals, {written} submitted)");
            Assert.True(atDump["Appeals"] > 0 && atDump["Attachments"] > 0, "at the dump's moment: " + string.Join(", ", atDump));
            Assert.Equal(inDatabase, atDump["Files"] >= atDump["Attachments"]);

            var target = new NpgsqlConnectionStringBuilder(restored.ConnectionString);
            await RunAsync("pg_restore", "--no-owner", "-h", target.Host!, "-p", target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-U", target.Username!, "-d", target.Database!, dump);
            await using (var check = new NpgsqlConnection(restored.ConnectionString))
            {
                await check.OpenAsync();
                Assert.Equal(atDump, await CountAsync(check, null));
                await using var keys = new NpgsqlCommand("SELECT \"Id\", \"StorageKey\" FROM \"Attachments\"", check);
                await using var reader = await keys.ExecuteReaderAsync();
                var missing = new List<string>();
                while (await reader.ReadAsync())
                    if (!inDatabase && !File.Exists(Path.Combine(filesCopy, reader.GetString(1)[..2], reader.GetString(1)))) missing.Add(reader.GetGuid(0).ToString());
                await reader.CloseAsync();
                if (inDatabase)
                {
                    await using var unfiled = new NpgsqlCommand("""SELECT "Id" FROM "Attachments" a WHERE NOT EXISTS (SELECT 1 FROM "FileChunks" f WHERE f."Key" = a."StorageKey" AND f."N" = 0)""", check);
                    await using var rows = await unfiled.ExecuteReaderAsync();
                    while (await rows.ReadAsync()) missing.Add(rows.GetGuid(0).ToString());
                }
                Assert.True(missing.Count == 0, $"{missing.Count} restored attachments have no file: {string.Join(", ", missing.Take(5))}");
            }

            // A node on the restored database and files: it starts, and a restored photo's bytes are served.
            var published = await PublishedApp.FolderAsync();
            await using var node = AppProcess.Start(published, work, new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Otklik__PublicUrl"] = "https://otklik.example.ru", ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__Otklik"] = restored.ConnectionString, ["Otklik__Files"] = filesCopy, ["Otklik__FileStore"] = store,
                // A restored node starts without workers until the unsent letters are dealt with (docs/operations.md, section 6).
                ["Otklik__Workers"] = "false",
            }, port: AppProcess.FreePort());
            await node.WaitUntilHealthyAsync();
            using var http = new HttpClient { BaseAddress = node.BaseAddress };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", app.Region.KeyOf(Persona.Applicant));
            await using (var db = new NpgsqlConnection(restored.ConnectionString))
            {
                await db.OpenAsync();
                await using var last = new NpgsqlCommand("SELECT \"Id\" FROM \"Attachments\" WHERE \"AppealId\" IS NOT NULL ORDER BY \"Id\" DESC LIMIT 1", db);
                var id = (Guid)(await last.ExecuteScalarAsync())!;
                using var download = await http.GetAsync($"/api/v1/attachments/{id}");
                Assert.Equal(HttpStatusCode.OK, download.StatusCode);
                Assert.StartsWith("%PDF", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }
        finally { Directory.Delete(work, recursive: true); }
    }

    static async Task<Dictionary<string, long>> CountAsync(NpgsqlConnection connection, NpgsqlTransaction? tx)
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in Tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\"", connection, tx);
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }
        // The files kept in the database (none with the disk store).
        await using (var files = new NpgsqlCommand("""SELECT count(DISTINCT "Key") FROM "FileChunks" """, connection, tx))
            counts["Files"] = (long)(await files.ExecuteScalarAsync())!;
        return counts;
    }

    static async Task RunAsync(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine("/usr/lib/postgresql/15/bin", tool), args) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} exited with {process.ExitCode}: {await error}");
    }

    static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        if (!Directory.Exists(from)) return;
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}
