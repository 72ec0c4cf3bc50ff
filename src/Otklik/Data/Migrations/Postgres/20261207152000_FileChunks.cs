using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Postgres
{
    /// <summary>
    /// The files' bytes in the database (Otklik:FileStore=Database, ADR 0046). Not an entity of the model: only
    /// DatabaseFileStore reads and writes it, with plain SQL, chunk by chunk.
    /// </summary>
    [DbContext(typeof(PostgresAppDbContext))]
    [Migration("20261207152000_FileChunks")]
    public partial class FileChunks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""CREATE TABLE "FileChunks" ("Key" character varying(100) NOT NULL, "N" integer NOT NULL, "Bytes" bytea NOT NULL, CONSTRAINT "PK_FileChunks" PRIMARY KEY ("Key", "N"))""");
            // Photos and PDFs are compressed already: no TOAST compression attempt, stored out of line as they are.
            migrationBuilder.Sql("""ALTER TABLE "FileChunks" ALTER COLUMN "Bytes" SET STORAGE EXTERNAL""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TABLE "FileChunks" """);
        }
    }
}
