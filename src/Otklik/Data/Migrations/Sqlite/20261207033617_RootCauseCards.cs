using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RootCauseCards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "IsPublic",
                table: "RootCauses",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "PublishedAtUtc",
                table: "RootCauses",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ResolvedAtUtc",
                table: "RootCauses",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NotifiedLevel",
                table: "RootCauseMeasures",
                type: "TEXT",
                maxLength: 40,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "Automatic",
                table: "RootCauseAppeals",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_RootCauses_IsPublic_TopicId_TerritoryId",
                table: "RootCauses",
                columns: new[] { "IsPublic", "TopicId", "TerritoryId" });

            migrationBuilder.CreateIndex(
                name: "IX_RootCauseMeasures_DoneAtUtc_DueOn",
                table: "RootCauseMeasures",
                columns: new[] { "DoneAtUtc", "DueOn" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RootCauses_IsPublic_TopicId_TerritoryId",
                table: "RootCauses");

            migrationBuilder.DropIndex(
                name: "IX_RootCauseMeasures_DoneAtUtc_DueOn",
                table: "RootCauseMeasures");

            migrationBuilder.DropColumn(
                name: "IsPublic",
                table: "RootCauses");

            migrationBuilder.DropColumn(
                name: "PublishedAtUtc",
                table: "RootCauses");

            migrationBuilder.DropColumn(
                name: "ResolvedAtUtc",
                table: "RootCauses");

            migrationBuilder.DropColumn(
                name: "NotifiedLevel",
                table: "RootCauseMeasures");

            migrationBuilder.DropColumn(
                name: "Automatic",
                table: "RootCauseAppeals");
        }
    }
}
