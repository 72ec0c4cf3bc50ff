using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ListIndexCoversThePage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Appeals_ExecutorOrganisationId_CategoryId_Status_DueAtUtc",
                table: "Appeals");

            migrationBuilder.CreateIndex(
                name: "IX_Appeals_ExecutorOrganisationId_CategoryId_Status_DueAtUtc",
                table: "Appeals",
                columns: new[] { "ExecutorOrganisationId", "CategoryId", "Status", "DueAtUtc" })
                .Annotation("Npgsql:IndexInclude", new[] { "Number", "OwnerOrganisationId", "ReceivedAtUtc", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Appeals_ExecutorOrganisationId_CategoryId_Status_DueAtUtc",
                table: "Appeals");

            migrationBuilder.CreateIndex(
                name: "IX_Appeals_ExecutorOrganisationId_CategoryId_Status_DueAtUtc",
                table: "Appeals",
                columns: new[] { "ExecutorOrganisationId", "CategoryId", "Status", "DueAtUtc" });
        }
    }
}
