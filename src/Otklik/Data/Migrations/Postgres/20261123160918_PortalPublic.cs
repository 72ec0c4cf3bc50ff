using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PortalPublic : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PublicText",
                table: "Appeals",
                type: "character varying(12000)",
                maxLength: 12000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PublicViews",
                table: "Appeals",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Supports",
                table: "Appeals",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "AppealSupports",
                columns: table => new
                {
                    AppealId = table.Column<Guid>(type: "uuid", nullable: false),
                    PersonId = table.Column<Guid>(type: "uuid", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AppealSupports", x => new { x.AppealId, x.PersonId });
                    table.ForeignKey(
                        name: "FK_AppealSupports_Appeals_AppealId",
                        column: x => x.AppealId,
                        principalTable: "Appeals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AppealSupports_AspNetUsers_PersonId",
                        column: x => x.PersonId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Appeals_IsPublic_RegisteredAtUtc",
                table: "Appeals",
                columns: new[] { "IsPublic", "RegisteredAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_AppealSupports_PersonId",
                table: "AppealSupports",
                column: "PersonId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AppealSupports");

            migrationBuilder.DropIndex(
                name: "IX_Appeals_IsPublic_RegisteredAtUtc",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "PublicText",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "PublicViews",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "Supports",
                table: "Appeals");
        }
    }
}
