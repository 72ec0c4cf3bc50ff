using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditAppendOnlySql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Raw SQL only (no model change), hand-written: the personal-data audit trail refuses UPDATE in the database too
            // (ADR 0015). SQLite has no session settings to let the retention sweep alone through, so DELETE is guarded by
            // the app (AppDbContext.GuardAppendOnly; the sweep is the one set-based DELETE) and by access to the file.
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditRecords_no_update" BEFORE UPDATE ON "AuditRecords"
                BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: UPDATE is not allowed'); END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "AuditRecords_no_update";""");
        }
    }
}
