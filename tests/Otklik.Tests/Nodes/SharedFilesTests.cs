using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Otklik.Features.Attachments;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Nodes;

/// <summary>
/// Issue 21 item 2: the files' bytes in the database every node shares (Otklik:FileStore=Database, ADR 0046) — chunked,
/// read back byte for byte, nothing written to the node's disk, deleted with the unbound-upload sweep; a second node with
/// a files folder of its own serves what the first took in.
/// </summary>
public sealed class SharedFilesTests(ITestOutputHelper output)
{
    static readonly Dictionary<string, string?> InDatabase = new() { ["Otklik:FileStore"] = "Database" };

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Files_kept_in_the_database_come_back_byte_for_byte_and_leave_no_file_on_disk(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, settings: InDatabase);
        Assert.IsType<DatabaseFileStore>(app.Services.GetRequiredService<IFileStore>());
        // A document of three chunks and a bit (the last one short), and a small photo of one.
        var big = Document(3 * DatabaseFileStore.ChunkBytes + 12_345);
        var png = Api.AttachmentTests.Png(40, 30);
        var document = await Api.AttachmentTests.UploadAsync(app, Persona.Applicant, big, "смета.pdf", "application/pdf");
        var photo = await Api.AttachmentTests.UploadAsync(app, Persona.Applicant, png, "яма.png", "image/png");

        var client = app.ClientAs(Persona.Applicant);
        using (var response = await client.GetAsync($"/api/v1/attachments/{document.Id}").Expect(HttpStatusCode.OK))
        {
            Assert.Equal(big.Length, response.Content.Headers.ContentLength);
            Assert.Equal(big, await response.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal(png, await (await client.GetAsync($"/api/v1/attachments/{photo.Id}").Expect(HttpStatusCode.OK)).Content.ReadAsByteArrayAsync());
        // The node's disk holds none of it: the table does, in chunks.
        var folder = app.Services.GetRequiredService<IConfiguration>()["Otklik:Files"]!;
        Assert.False(Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any());
        Assert.Equal(4 + 1, await CountChunksAsync(app));

        // A seek lands in the right chunk (a ranged read, a resumed download).
        var store = app.Services.GetRequiredService<IFileStore>();
        var key = await app.WithDbAsync(db => Task.FromResult(db.Attachments.Single(a => a.Id == document.Id).StorageKey));
        await using (var stream = (await store.OpenAsync(key, default))!)
        {
            stream.Seek(2 * DatabaseFileStore.ChunkBytes + 7, SeekOrigin.Begin);
            var part = new byte[DatabaseFileStore.ChunkBytes];
            var read = await stream.ReadAtLeastAsync(part, part.Length);
            Assert.Equal(big.AsSpan(2 * DatabaseFileStore.ChunkBytes + 7, read).ToArray(), part[..read]);
        }
        Assert.Null(await store.OpenAsync("nosuchkey0000", default));

        // Uploads never bound to an appeal are swept: their chunks go with them.
        app.Clock.Advance(TimeSpan.FromDays(2));
        var removed = await app.WithDbAsync(db => UnboundUploadSweep.RunOnceAsync(db, store, TimeSpan.FromHours(24), app.Clock.GetUtcNow().UtcDateTime, default));
        Assert.Equal(2, removed);
        Assert.Equal(0, await CountChunksAsync(app));
        await client.GetAsync($"/api/v1/attachments/{document.Id}").Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_file_taken_in_by_node_A_is_served_by_node_B_whose_disk_never_saw_it()
    {
        await using var a = await TestApp.StartAsync(Engine.Postgres, settings: InDatabase);
        var ownFolder = Path.Combine(Path.GetTempPath(), "otklik-tests", $"node-b-{Guid.NewGuid():N}");
        await using var b = await a.SecondNodeAsync(new Dictionary<string, string?> { ["Otklik:Files"] = ownFolder });
        var png = Api.AttachmentTests.Png(64, 48);
        var photo = await Api.AttachmentTests.UploadAsync(a, Persona.Applicant, png, "двор.png", "image/png");
        var onB = b.ClientWithKey(a.Region.KeyOf(Persona.Applicant));
        Assert.Equal(png, await (await onB.GetAsync($"/api/v1/attachments/{photo.Id}").Expect(HttpStatusCode.OK)).Content.ReadAsByteArrayAsync());
        Assert.False(Directory.Exists(ownFolder));
    }

    /// <summary>
    /// The figures of ADR 0046: 200 photo-sized files (400 KB of incompressible bytes, as a JPEG is) written and read
    /// through each store, and what the table takes on disk. Only the overhead is asserted; the times are reported.
    /// </summary>
    [Fact]
    public async Task Sizes_and_times_of_the_database_store_against_the_disk()
    {
        await using var app = await TestApp.StartAsync(Engine.Postgres, settings: InDatabase);
        var database = (DatabaseFileStore)app.Services.GetRequiredService<IFileStore>();
        var folder = Path.Combine(Path.GetTempPath(), "otklik-tests", $"disk-{Guid.NewGuid():N}");
        var disk = new LocalDiskFileStore(folder);
        var files = Enumerable.Range(0, 200).Select(i => (Key: $"{i:x4}{Guid.NewGuid():N}", Bytes: RandomBytes(400 * 1024, i))).ToList();
        try
        {
            var lines = new List<string>();
            foreach (var (name, store) in new (string, IFileStore)[] { ("disk", disk), ("database", database), ("disk", disk), ("database", database) })
            {
                var prefix = Guid.NewGuid().ToString("N")[..6];
                var write = Stopwatch.StartNew();
                foreach (var f in files) await store.SaveAsync(prefix + f.Key, new MemoryStream(f.Bytes), default);
                write.Stop();
                var read = Stopwatch.StartNew();
                foreach (var f in files)
                {
                    await using var s = (await store.OpenAsync(prefix + f.Key, default))!;
                    await s.CopyToAsync(Stream.Null);
                }
                read.Stop();
                lines.Add($"{name}: write {write.Elapsed.TotalMilliseconds / files.Count:0.00} ms a file, read {read.Elapsed.TotalMilliseconds / files.Count:0.00} ms a file");
            }
            long total;
            await using (var connection = new NpgsqlConnection(app.Services.GetRequiredService<IConfiguration>().GetConnectionString("Otklik")))
            {
                await connection.OpenAsync();
                await using var size = new NpgsqlCommand("""VACUUM ANALYZE "FileChunks" """, connection);
                await size.ExecuteNonQueryAsync();
                size.CommandText = """SELECT pg_total_relation_size('"FileChunks"')""";
                total = (long)(await size.ExecuteScalarAsync())!;
            }
            var bytes = 2L * files.Sum(f => f.Bytes.Length);
            lines.Add($"table FileChunks: {total / 1048576.0:0.0} MiB for {bytes / 1048576.0:0.0} MiB of files ({(double)total / bytes:0.000}×)");
            foreach (var line in lines) output.WriteLine(line);
            File.WriteAllLines(Path.Combine(Path.GetTempPath(), "otklik-file-store-figures.txt"), lines);
            Assert.True(total < bytes * 1.1, $"the table takes {total} bytes for {bytes}");
        }
        finally { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Import_files_copies_a_disk_folder_into_the_database_once(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, settings: InDatabase);
        var config = app.Services.GetRequiredService<IConfiguration>();
        var disk = new LocalDiskFileStore(config["Otklik:Files"]!);
        var files = Enumerable.Range(0, 3).Select(i => (Key: $"{i:x2}{Guid.NewGuid():N}", Bytes: RandomBytes(700_000 * i + 10, i))).ToList();
        foreach (var f in files) await disk.SaveAsync(f.Key, new MemoryStream(f.Bytes), default);

        var said = new StringWriter();
        Assert.Equal(0, await FileStores.ImportFromDiskAsync(config, said, default));
        Assert.Contains("3 files copied", said.ToString());
        var store = app.Services.GetRequiredService<IFileStore>();
        foreach (var f in files)
        {
            await using var stream = (await store.OpenAsync(f.Key, default))!;
            var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            Assert.Equal(f.Bytes, copy.ToArray());
        }
        // Again: nothing to copy.
        said = new StringWriter();
        Assert.Equal(0, await FileStores.ImportFromDiskAsync(config, said, default));
        Assert.Contains("0 files copied", said.ToString());
    }

    static async Task<long> CountChunksAsync(TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var store = (DatabaseFileStore)scope.ServiceProvider.GetRequiredService<IFileStore>();
        await using var connection = store.Connect();
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = """SELECT count(*) FROM "FileChunks" """;
        return Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    static byte[] Document(int size)
    {
        var bytes = RandomBytes(size, 7);
        "%PDF-1.7\n"u8.CopyTo(bytes);
        return bytes;
    }

    static byte[] RandomBytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
