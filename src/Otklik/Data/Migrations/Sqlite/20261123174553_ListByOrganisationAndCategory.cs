using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ListByOrganisationAndCategory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Appeals_ExecutorOrganisationId_CategoryId_Status_DueAtUtc",
                table: "Appeals",
                columns: new[] { "ExecutorOrganisationId", "CategoryId", "Status", "DueAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Appeals_ExecutorOrganisationId_CategoryId_Status_DueAtUtc",
                table: "Appeals");
        }
    }
}
