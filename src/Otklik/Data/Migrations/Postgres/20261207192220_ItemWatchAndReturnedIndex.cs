using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ItemWatchAndReturnedIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "StaleLevel",
                table: "PortalItems",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "Fresh");

            migrationBuilder.AddColumn<DateTime>(
                name: "StaleSinceUtc",
                table: "PortalItems",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_AppealEvents_Returned",
                table: "AppealEvents",
                column: "AppealId",
                filter: "\"Kind\" = 'AnswerReturned'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AppealEvents_Returned",
                table: "AppealEvents");

            migrationBuilder.DropColumn(
                name: "StaleLevel",
                table: "PortalItems");

            migrationBuilder.DropColumn(
                name: "StaleSinceUtc",
                table: "PortalItems");
        }
    }
}
