using System.Net.Http.Json;
using CabinetOps.Server.Infrastructure.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.UnitTests.Infrastructure;

/// <summary>Decision 0019: the client has the whole answer while the after-step still runs, over real HTTP (Kestrel on 127.0.0.1).</summary>
public sealed class AnswerFirstRules
{
    [Fact]
    public async Task TheClientReadsTheWholeAnswerBeforeTheAfterStepEnds()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var afterStep = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapPost("/open", () => new AnswerFirst<Ok<Answer>>(TypedResults.Ok(new Answer("DS1", "Opening")), async token =>
        {
            // Held until the client has read the answer: if the answer waited for this step, the client would never get it.
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
            afterStep.SetResult(token.CanBeCanceled);
        }));
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(20) };
        var answer = await (await client.PostAsync("/open", null)).Content.ReadFromJsonAsync<Answer>();
        Assert.Equal(new Answer("DS1", "Opening"), answer);
        Assert.False(afterStep.Task.IsCompleted);

        release.SetResult();
        // The after-step ran to its end, and was not handed the request's cancellation.
        Assert.False(await afterStep.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        await app.StopAsync();
    }

    private sealed record Answer(string SessionNo, string Status);
}
