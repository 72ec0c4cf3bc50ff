using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AutoRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AnswerPolicyOverride",
                table: "Appeals",
                type: "character varying(50)",
                maxLength: 50,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "RespondentOrganisationId",
                table: "Appeals",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RouteKind",
                table: "Appeals",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Tags",
                table: "Appeals",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "EscalatedAtUtc",
                table: "AppealParts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "OpenedAtUtc",
                table: "AppealParts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Policy",
                table: "AppealParts",
                type: "character varying(50)",
                maxLength: 50,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Stage",
                table: "AppealParts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "RoutingRules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    Continue = table.Column<bool>(type: "boolean", nullable: false),
                    Conditions = table.Column<string>(type: "text", nullable: false),
                    Actions = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedById = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RoutingRules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RoutingRuleSets",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RoutingRuleSets", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "RoutingRuleSets",
                columns: new[] { "Id", "Version" },
                values: new object[] { 1, 0 });

            migrationBuilder.CreateIndex(
                name: "IX_Appeals_RespondentOrganisationId",
                table: "Appeals",
                column: "RespondentOrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_AppealParts_Status_DueAtUtc",
                table: "AppealParts",
                columns: new[] { "Status", "DueAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_RoutingRules_Position",
                table: "RoutingRules",
                column: "Position");

            migrationBuilder.AddForeignKey(
                name: "FK_Appeals_Organisations_RespondentOrganisationId",
                table: "Appeals",
                column: "RespondentOrganisationId",
                principalTable: "Organisations",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Appeals_Organisations_RespondentOrganisationId",
                table: "Appeals");

            migrationBuilder.DropTable(
                name: "RoutingRules");

            migrationBuilder.DropTable(
                name: "RoutingRuleSets");

            migrationBuilder.DropIndex(
                name: "IX_Appeals_RespondentOrganisationId",
                table: "Appeals");

            migrationBuilder.DropIndex(
                name: "IX_AppealParts_Status_DueAtUtc",
                table: "AppealParts");

            migrationBuilder.DropColumn(
                name: "AnswerPolicyOverride",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "RespondentOrganisationId",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "RouteKind",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "Tags",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "EscalatedAtUtc",
                table: "AppealParts");

            migrationBuilder.DropColumn(
                name: "OpenedAtUtc",
                table: "AppealParts");

            migrationBuilder.DropColumn(
                name: "Policy",
                table: "AppealParts");

            migrationBuilder.DropColumn(
                name: "Stage",
                table: "AppealParts");
        }
    }
}
