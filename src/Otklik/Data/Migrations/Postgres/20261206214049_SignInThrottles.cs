using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SignInThrottles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SignInThrottles",
                columns: table => new
                {
                    Address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Account = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Failures = table.Column<int>(type: "integer", nullable: false),
                    LastFailureAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    BlockedUntilUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignInThrottles", x => new { x.Address, x.Account });
                });

            migrationBuilder.CreateIndex(
                name: "IX_SignInThrottles_Account",
                table: "SignInThrottles",
                column: "Account");

            migrationBuilder.CreateIndex(
                name: "IX_SignInThrottles_LastFailureAtUtc",
                table: "SignInThrottles",
                column: "LastFailureAtUtc");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SignInThrottles");
        }
    }
}
