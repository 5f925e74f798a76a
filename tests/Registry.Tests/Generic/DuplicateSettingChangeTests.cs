using System.Net;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Generic;

/// <summary>
/// The duplicate setting is read when an upload starts (to skip the lookups where duplicates are allowed) and again
/// when the file is recorded: a setting changed while a body streams holds for that upload.
/// </summary>
public sealed class DuplicateSettingChangeTests
{
    private const int Half = 16 * 1024 * 1024; // more than loopback's socket buffers: the server has read into the body

    [Fact]
    public async Task Duplicates_forbidden_while_a_body_streams_refuse_that_upload_when_it_is_recorded()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("dupset");
        await server.CreateProjectAsync("dupset", "app");
        await server.PublishAsync("dupset/app", "pkg", "1.0.0", "same.bin");

        var halfSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var goOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = server.Client(RegistryServer.RootToken);
        var upload = client.PutAsync(Publishing.Url("dupset/app", "pkg", "1.0.0", "same.bin"), new PausingContent(Half, halfSent, goOn));
        await halfSent.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await server.SetSettingsAsync("dupset", allowed: false, regex: null);
        goOn.SetResult();

        using var response = await upload;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("""{"message":"400 Bad request - Duplicate package is not allowed"}""", await response.Content.ReadAsStringAsync());
    }
}
