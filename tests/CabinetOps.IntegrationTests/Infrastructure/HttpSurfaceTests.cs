using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.IntegrationTests.Infrastructure;

public abstract class HttpSurfaceTests(AppFixture app)
{
    private TestHost Host => app.Host;

    [Fact]
    public async Task ReadyzAnswers200WithDatabaseAndBackgroundWorkUp()
    {
        using var client = Host.CreateHttpClient();
        var ready = await Eventually.WaitAsync(() => client.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.OK, "/readyz 200");
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task UnknownApiRouteIsProblem404()
    {
        using var client = Host.CreateHttpClient();
        var response = await client.GetAsync("/api/no-such-thing");
        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task OpenApiDocumentListsEveryApiAndDocsPageIsServed()
    {
        using var client = Host.CreateHttpClient();
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = doc.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/mp/auth/login", paths);
        Assert.Contains("/api/admin/staff", paths);
        Assert.Contains("/api/admin/manual-work", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/sandbox", StringComparison.Ordinal));
        var docs = await client.GetAsync("/api/docs/");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("text/html", docs.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("{\"userName\": \"x\", ", "malformed JSON")]
    [InlineData("{\"userName\": 42, \"displayName\": \"张三\", \"roleCode\": \"operator\", \"password\": \"abc12345\"}", "wrong type")]
    [InlineData("{\"displayName\": \"张三\", \"roleCode\": \"operator\", \"password\": \"abc12345\"}", "missing field")]
    [InlineData("[1, 2, 3]", "array instead of object")]
    public async Task BadBodiesAre400ProblemsAndWriteNothing(string body, string why)
    {
        using var client = await Host.SignedInClientAsync("admin");
        var before = await CountStaffAsync();
        var response = await client.PostAsync("/api/admin/staff", new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, why);
        Assert.Equal(before, await CountStaffAsync());
    }

    [Fact]
    public async Task MissingFieldValidationListsTheField()
    {
        using var client = await Host.SignedInClientAsync("admin");
        var response = await client.PostAsJsonAsync("/api/admin/staff", new { displayName = "张三", roleCode = "operator", password = "abc12345" });
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors), problem.ToString());
        Assert.Contains(errors.EnumerateObject(), e => e.Name.Equals("UserName", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task OversizedBodyIs413ProblemAndWritesNothing()
    {
        using var client = await Host.SignedInClientAsync("admin");
        var before = await CountStaffAsync();
        var huge = new string('a', 400 * 1024);
        // 100-continue: the server refuses on Content-Length and closes; a client still writing the body would see a broken pipe.
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/staff") { Content = new StringContent($"{{\"userName\":\"{huge}\"}}", Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        var response = await client.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await CountStaffAsync());
    }

    [Fact]
    public async Task WrongContentTypeIs415Problem()
    {
        using var client = await Host.SignedInClientAsync("admin");
        var response = await client.PostAsync("/api/admin/staff", new StringContent("userName=x", Encoding.UTF8, "text/plain"));
        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task UnknownPageShowsChinese404Page()
    {
        using var client = Host.CreateHttpClient();
        var response = await client.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("页面不存在", await response.Content.ReadAsStringAsync());
    }

    private Task<int> CountStaffAsync() => Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().AdminUsers.CountAsync());

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? why = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{why}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        var title = problem.GetProperty("title").GetString()!;
        Assert.False(title.All(char.IsAscii), $"title should be Chinese: {title}");
        return problem;
    }
}

public sealed class HttpSurfaceOnSqlite(SqliteApp app) : HttpSurfaceTests(app), IClassFixture<SqliteApp>;

public sealed class HttpSurfaceOnPostgres(PostgresApp app) : HttpSurfaceTests(app), IClassFixture<PostgresApp>;
