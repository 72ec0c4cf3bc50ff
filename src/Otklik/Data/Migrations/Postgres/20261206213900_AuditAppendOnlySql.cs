using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditAppendOnlySql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Raw SQL only (no model change), hand-written: the personal-data audit trail is append-only in the database too
            // (ADR 0015). UPDATE and TRUNCATE are refused always; DELETE only of lines older than the cutoff that the
            // retention sweep (AuditSweep) declares in its own transaction with set_config('otklik.audit_cutoff', …, true).
            migrationBuilder.Sql("""
                CREATE FUNCTION otklik_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP = 'DELETE' THEN
                    IF OLD."AtUtc" < NULLIF(current_setting('otklik.audit_cutoff', true), '')::timestamptz THEN
                      RETURN OLD;
                    END IF;
                    RAISE EXCEPTION 'The audit trail is append-only: only lines older than the retention period may be deleted, by the retention sweep'
                      USING ERRCODE = 'insufficient_privilege';
                  END IF;
                  RAISE EXCEPTION 'The audit trail is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
                END $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditRecords_append_only" BEFORE UPDATE OR DELETE ON "AuditRecords"
                  FOR EACH ROW EXECUTE FUNCTION otklik_audit_append_only();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditRecords_no_truncate" BEFORE TRUNCATE ON "AuditRecords"
                  FOR EACH STATEMENT EXECUTE FUNCTION otklik_audit_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "AuditRecords_no_truncate" ON "AuditRecords";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "AuditRecords_append_only" ON "AuditRecords";""");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS otklik_audit_append_only();");
        }
    }
}
