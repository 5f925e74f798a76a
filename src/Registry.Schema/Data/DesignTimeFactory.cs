using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Registry.Schema.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without starting the server.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<RegistryDbContext>
{
    public RegistryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<RegistryDbContext>().UseSqlite("Data Source=design.db").Options);
}
