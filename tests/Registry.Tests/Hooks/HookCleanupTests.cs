using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Registry.Schema.Data;
using Registry.Schema.Hooks;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Hooks;

/// <summary>The dispatcher's clean-up of package events: by the time they were fanned out, never one still waiting for it.</summary>
public sealed class HookCleanupTests
{
    [Fact]
    public async Task Clean_up_removes_events_fanned_out_longer_ago_than_kept_and_keeps_recent_ones_and_those_waiting_to_be_fanned_out()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await RegistryServer.StartAsync(configureServices: s => s.AddSingleton<TimeProvider>(clock));
        var projectId = await server.CreateUniqueProjectAsync("clean");
        var now = clock.GetUtcNow().UtcDateTime;
        long oldFanned, oldWaiting, recentFanned;
        using (var scope = server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var namespaceId = await db.Projects.Where(p => p.Id == projectId).Select(p => p.NamespaceId).SingleAsync();
            PackageEvent Event(DateTime createdAt, DateTime? fannedOutAt) => new()
            {
                Uuid = Guid.NewGuid(), Kind = PackageEventKind.FilePublished, ProjectId = projectId, NamespaceId = namespaceId,
                Data = "{}", CreatedAt = createdAt, FannedOutAt = fannedOutAt,
            };
            var events = new[]
            {
                Event(now.AddDays(-10), now.AddDays(-9)),
                // Claimed by another instance for a day, so this dispatcher leaves it waiting.
                Event(now.AddDays(-10), null),
                Event(now.AddDays(-10), now.AddDays(-1)),
            };
            events[1].ClaimedUntil = now.AddDays(1);
            events[1].ClaimToken = Guid.NewGuid();
            db.PackageEvents.AddRange(events);
            await db.SaveChangesAsync();
            (oldFanned, oldWaiting, recentFanned) = (events[0].Id, events[1].Id, events[2].Id);
        }

        // The clean-up runs at most every 10 minutes of the registry's clock.
        clock.Advance(TimeSpan.FromMinutes(11));
        await Eventually.HoldsAsync(async () => !await ExistsAsync(server, oldFanned), "the event fanned out 9 days ago removed");
        Assert.True(await ExistsAsync(server, oldWaiting), "an event waiting to be fanned out was removed");
        Assert.True(await ExistsAsync(server, recentFanned), "an event fanned out a day ago was removed");
    }

    private static async Task<bool> ExistsAsync(RegistryServer server, long id)
    {
        using var scope = server.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().PackageEvents.AnyAsync(e => e.Id == id);
    }
}
