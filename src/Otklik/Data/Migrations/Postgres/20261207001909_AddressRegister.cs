using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddressRegister : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AddressStreets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    FiasId = table.Column<Guid>(type: "uuid", nullable: true),
                    Region = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Municipality = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Settlement = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    TerritoryId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AddressStreets", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AddressHouses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    StreetId = table.Column<Guid>(type: "uuid", nullable: false),
                    FiasId = table.Column<Guid>(type: "uuid", nullable: true),
                    Number = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    NumberKey = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    NumberValue = table.Column<int>(type: "integer", nullable: false),
                    Postcode = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: true),
                    Latitude = table.Column<double>(type: "double precision", nullable: false),
                    Longitude = table.Column<double>(type: "double precision", nullable: false),
                    Cell = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AddressHouses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AddressHouses_AddressStreets_StreetId",
                        column: x => x.StreetId,
                        principalTable: "AddressStreets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AddressStreetWords",
                columns: table => new
                {
                    Word = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    StreetId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AddressStreetWords", x => new { x.Word, x.StreetId });
                    table.ForeignKey(
                        name: "FK_AddressStreetWords_AddressStreets_StreetId",
                        column: x => x.StreetId,
                        principalTable: "AddressStreets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AddressHouses_Cell",
                table: "AddressHouses",
                column: "Cell");

            migrationBuilder.CreateIndex(
                name: "IX_AddressHouses_StreetId_NumberKey",
                table: "AddressHouses",
                columns: new[] { "StreetId", "NumberKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AddressStreets_Settlement_Type_Name",
                table: "AddressStreets",
                columns: new[] { "Settlement", "Type", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AddressStreetWords_StreetId",
                table: "AddressStreetWords",
                column: "StreetId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AddressHouses");

            migrationBuilder.DropTable(
                name: "AddressStreetWords");

            migrationBuilder.DropTable(
                name: "AddressStreets");
        }
    }
}
