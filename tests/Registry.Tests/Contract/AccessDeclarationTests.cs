using GraphQL.Types;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Access;
using Registry.Server.Access;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Contract;

/// <summary>
/// Architecture rules on access: every REST route, every mutation and every root query field declares what it needs,
/// where it is declared (<c>RequireProject(...)</c> and friends, <c>[RequiresProject(...)]</c> and friends), or says
/// explicitly that it is open to all. A new route or field that declares nothing fails here, not in production.
/// </summary>
public sealed class AccessDeclarationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public void Every_route_declares_its_access()
    {
        var routes = fixture.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.Contains(routes, r => r.RoutePattern.RawText == "/api/v4/projects/{id}/packages/generic/{**rest}");
        var undeclared = routes.Where(r => r.Metadata.GetMetadata<RouteAccess>() is null)
            .Select(r => $"{string.Join(",", r.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])} {r.RoutePattern.RawText}").ToList();
        Assert.True(undeclared.Count == 0, "Routes that declare no access (RequireProject, RequireGroup, RequireUser, RequireCaller or Public): "
            + string.Join("; ", undeclared));
    }

    [Fact]
    public void Every_mutation_and_root_query_field_declares_its_access()
    {
        var schema = fixture.Server.Services.GetRequiredService<ISchema>();
        schema.Initialize();
        var fields = schema.Query.Fields.Select(f => ("Query", f)).Concat(schema.Mutation!.Fields.Select(f => ("Mutation", f))).ToList();
        Assert.Contains(fields, f => f.f.Name == "createPackagesProtectionRule");
        var undeclared = fields.Where(f => f.f.GetMetadata<FieldAccess?>(FieldAccess.MetadataKey) is null)
            .Select(f => $"{f.Item1}.{f.f.Name}").ToList();
        Assert.True(undeclared.Count == 0, "Fields that declare no access ([Anyone], [RequiresApiWriter], [RequiresAdmin], [RequiresProject], [RequiresProjectOrGroup] "
            + "[RequiresGroup] or [AccessCheckedBy]): " + string.Join(", ", undeclared));
        // A mutation's refusal is answered in its payload, so the declaration must have found the payload type.
        Assert.All(schema.Mutation.Fields, f => Assert.NotNull(f.GetMetadata<FieldAccess?>(FieldAccess.MetadataKey)?.PayloadType));
    }
}
