using GraphQL;
using GraphQL.Types;
using GraphQL.Utilities;
using Microsoft.Extensions.DependencyInjection;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.GraphQL;

/// <summary>
/// <c>schema.graphql</c> at the repository root is the printed schema. To regenerate it after a deliberate change:
/// <c>REGISTRY_UPDATE_SCHEMA=1 dotnet test --filter SchemaFileTests</c>, which writes the file and fails on purpose
/// (an update can never pass the check it replaces); review the diff and run the test again without the variable.
/// </summary>
public sealed class SchemaFileTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public void Committed_schema_file_is_the_printed_schema()
    {
        var schema = fixture.Server.Services.GetRequiredService<ISchema>();
        var printed = schema.Print(new PrintOptions { StringComparison = StringComparison.Ordinal }).ReplaceLineEndings("\n").TrimEnd() + "\n";
        var file = Path.Combine(RepositoryRoot.Path, "schema.graphql");
        if (Environment.GetEnvironmentVariable("REGISTRY_UPDATE_SCHEMA") == "1")
        {
            var unchanged = File.Exists(file) && File.ReadAllText(file).ReplaceLineEndings("\n") == printed;
            if (!unchanged) File.WriteAllText(file, printed);
            Assert.Fail(unchanged
                ? "REGISTRY_UPDATE_SCHEMA=1: schema.graphql already is the printed schema; run without the variable to check it"
                : "REGISTRY_UPDATE_SCHEMA=1: schema.graphql was rewritten from the printed schema; review the diff and run without the variable to check it");
        }
        Assert.True(File.Exists(file), "schema.graphql is missing at the repository root");
        Assert.Equal(File.ReadAllText(file).ReplaceLineEndings("\n"), printed);
    }
}
