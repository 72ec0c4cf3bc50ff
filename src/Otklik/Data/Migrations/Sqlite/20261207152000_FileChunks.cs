using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Sqlite
{
    /// <summary>
    /// The files' bytes in the database (Otklik:FileStore=Database, ADR 0046). Not an entity of the model: only
    /// DatabaseFileStore reads and writes it, with plain SQL, chunk by chunk.
    /// </summary>
    [DbContext(typeof(SqliteAppDbContext))]
    [Migration("20261207152000_FileChunks")]
    public partial class FileChunks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""CREATE TABLE "FileChunks" ("Key" TEXT NOT NULL, "N" INTEGER NOT NULL, "Bytes" BLOB NOT NULL, CONSTRAINT "PK_FileChunks" PRIMARY KEY ("Key", "N"))""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TABLE "FileChunks" """);
        }
    }
}
