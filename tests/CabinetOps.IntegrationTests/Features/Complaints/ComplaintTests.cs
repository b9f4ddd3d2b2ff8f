using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CabinetOps.IntegrationTests.Features.Orders;
using CabinetOps.Server.Features.Complaints;
using CabinetOps.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CabinetOps.IntegrationTests.Features.Complaints;

/// <summary>投诉 from the mini-program to the admin queue and back (issue #7, docs/integrations/miniprogram-complaints.md).</summary>
public abstract class ComplaintTests(AppFixture app) : OrderTestBase(app)
{
    /// <summary>A 1×1 PNG.</summary>
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] content, string fileName = "photo.png", string contentType = "image/png")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        return client.PostAsync("/api/mp/complaints/photos", form);
    }

    /// <summary>A customer with a paid ticket order of their own.</summary>
    private async Task<(HttpClient Client, string OrderNo)> CustomerWithOrderAsync()
    {
        await EnsureCatalogueAsync();
        var device = await Host.NewCabinetAsync();
        var shelf = await ShelfAsync(device);
        var (client, _) = await CustomerAsync(100_000);
        var sessionNo = await ShopAsync(client, device, (shelf[0], 1));
        await WaitForPaymentStatusAsync(sessionNo, CabinetOps.Server.Features.Orders.PaymentStatus.Paid);
        return (client, (await JsonAsync(await client.GetAsync($"/api/mp/sessions/{sessionNo}"))).GetProperty("orderNo").GetString()!);
    }

    [Fact]
    public async Task APhotoThatIsNotAnImageOrTooLargeIsRefusedWithAProblemAndNothingIsStored()
    {
        var (client, _) = await Host.CustomerClientAsync("photo-" + Guid.NewGuid().ToString("N"));
        var before = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().ComplaintPhotos.CountAsync());

        // A text file dressed as a PNG: judged by its bytes, not its name or declared type.
        var notImage = await UploadAsync(client, "hello, not a picture"u8.ToArray());
        Assert.Equal("application/problem+json", notImage.Content.Headers.ContentType?.MediaType);
        Assert.Equal(("complaint-photo-type", "只能上传 JPG 或 PNG 图片"), (Code(await JsonAsync(notImage, HttpStatusCode.UnsupportedMediaType)),
            (await notImage.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString()));

        var big = new byte[5 * 1024 * 1024 + 1];
        Png.CopyTo(big, 0);
        var tooLarge = await UploadAsync(client, big);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);
        Assert.Equal("complaint-photo-too-large", Code(await JsonAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge)));

        var missing = await client.PostAsync("/api/mp/complaints/photos", new MultipartFormDataContent { { new StringContent("x"), "other" } });
        Assert.Equal("complaint-photo-missing", Code(await JsonAsync(missing, HttpStatusCode.BadRequest)));
        Assert.Equal(before, await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().ComplaintPhotos.CountAsync()));
    }

    [Fact]
    public async Task ACustomerFilesAComplaintWithAPhotoAndStaffTakeReplyAndResolveIt()
    {
        var (client, orderNo) = await CustomerWithOrderAsync();
        var uploaded = await JsonAsync(await UploadAsync(client, Png), HttpStatusCode.Created);
        var photoId = uploaded.GetProperty("photoId").GetString()!;

        // The signed link serves the bytes without a token; a tampered one does not.
        using var anonymous = Host.CreateHttpClient();
        var url = uploaded.GetProperty("url").GetString()!;
        Assert.Equal(Png, await anonymous.GetByteArrayAsync(url));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(url[..^1] + (url[^1] == '0' ? '1' : '0'))).StatusCode);

        var filed = await JsonAsync(await client.PostAsJsonAsync("/api/mp/complaints", new { orderNo, type = "Overcharged", description = "只拿了一瓶水，扣了两瓶", photoIds = new[] { photoId } }),
            HttpStatusCode.Created);
        var no = filed.GetProperty("complaintNo").GetString()!;
        Assert.Equal(("Pending", "待处理", "多扣", photoId), (filed.GetProperty("status").GetString(), filed.GetProperty("statusLabel").GetString(),
            filed.GetProperty("typeLabel").GetString(), filed.GetProperty("photos")[0].GetProperty("photoId").GetString()));

        // One open complaint per order; another customer sees neither the order nor the complaint.
        Assert.Equal("complaint-open", Code(await JsonAsync(await client.PostAsJsonAsync("/api/mp/complaints", new { orderNo, type = "Other", description = "再投诉一次" }),
            HttpStatusCode.Conflict)));
        var (stranger, _) = await Host.CustomerClientAsync("stranger-" + Guid.NewGuid().ToString("N"));
        await JsonAsync(await stranger.GetAsync($"/api/mp/complaints/{no}"), HttpStatusCode.NotFound);
        await JsonAsync(await stranger.PostAsJsonAsync("/api/mp/complaints", new { orderNo, type = "Other", description = "不是我的订单" }), HttpStatusCode.NotFound);

        // Staff: the queue, take, reply; the customer sees the reply and answers.
        using var ops = await Host.SignedInClientAsync("ops");
        var queue = await ops.GetFromJsonAsync<JsonElement>("/api/admin/complaints?open=true&pageSize=100");
        var id = queue.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("complaintNo").GetString() == no).GetProperty("id").GetInt64();
        var taken = await JsonAsync(await ops.PostAsync($"/api/admin/complaints/{id}/take", null));
        Assert.Equal(("Processing", "ops"), (taken.GetProperty("complaint").GetProperty("status").GetString(), taken.GetProperty("complaint").GetProperty("handlerName").GetString()));
        await JsonAsync(await ops.PostAsJsonAsync($"/api/admin/complaints/{id}/replies", new { text = "您好，正在核实录像" }));
        var mine = await JsonAsync(await client.PostAsJsonAsync($"/api/mp/complaints/{no}/replies", new { text = "好的，谢谢" }));
        Assert.Equal([("Staff", "您好，正在核实录像"), ("Customer", "好的，谢谢")],
            mine.GetProperty("replies").EnumerateArray().Select(r => (r.GetProperty("from").GetString(), r.GetProperty("text").GetString())).ToList());

        var resolved = await JsonAsync(await ops.PostAsJsonAsync($"/api/admin/complaints/{id}/resolve", new { resolution = "已核实，多扣的 1 瓶已退款" }));
        Assert.Equal("Resolved", resolved.GetProperty("complaint").GetProperty("status").GetString());
        var seen = await JsonAsync(await client.GetAsync($"/api/mp/complaints/{no}"));
        Assert.Equal(("已解决", "已核实，多扣的 1 瓶已退款"), (seen.GetProperty("statusLabel").GetString(), seen.GetProperty("resolution").GetString()));
        Assert.Equal("complaint-closed", Code(await JsonAsync(await client.PostAsJsonAsync($"/api/mp/complaints/{no}/replies", new { text = "还有问题" }), HttpStatusCode.Conflict)));
        Assert.Equal("complaint-closed", Code(await JsonAsync(await ops.PostAsJsonAsync($"/api/admin/complaints/{id}/reject", new { text = "晚了" }), HttpStatusCode.Conflict)));

        // Closed, the order can be complained about again, but a photo already filed cannot be filed twice.
        Assert.Equal("validation", Code(await JsonAsync(await client.PostAsJsonAsync("/api/mp/complaints", new { orderNo, type = "Other", description = "还是不对", photoIds = new[] { photoId } }),
            HttpStatusCode.BadRequest)));

        var list = await JsonAsync(await client.GetAsync("/api/mp/complaints"));
        Assert.Equal((1, no, 2), (list.GetProperty("total").GetInt32(), list.GetProperty("items")[0].GetProperty("complaintNo").GetString(),
            list.GetProperty("items")[0].GetProperty("replyCount").GetInt32()));
        var actions = await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().AuditLog.AsNoTracking()
            .Where(a => a.TargetId == no).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        Assert.Equal(["complaint.take", "complaint.reply", "complaint.resolve"], actions);
    }

    [Fact]
    public async Task BadComplaintsAreRefusedAndAnUnansweredComplaintPastItsDeadlineRaisesOneAlert()
    {
        var (client, orderNo) = await CustomerWithOrderAsync();
        Assert.Equal("validation", Code(await JsonAsync(await client.PostAsJsonAsync("/api/mp/complaints", new { orderNo, type = "Other", description = "  " }), HttpStatusCode.BadRequest)));
        Assert.Equal("validation", Code(await JsonAsync(await client.PostAsJsonAsync("/api/mp/complaints", new { orderNo, description = "没有类型" }), HttpStatusCode.BadRequest)));
        Assert.Equal("validation", Code(await JsonAsync(await client.PostAsJsonAsync("/api/mp/complaints",
            new { orderNo, type = "Other", description = "五张图", photoIds = Enumerable.Range(0, 5).Select(i => $"p_{i:x32}").ToArray() }), HttpStatusCode.BadRequest)));
        Assert.Equal("validation", Code(await JsonAsync(await client.PostAsJsonAsync("/api/mp/complaints", new { orderNo, type = "Other", description = new string('长', 501) }),
            HttpStatusCode.BadRequest)));

        var filed = await JsonAsync(await client.PostAsJsonAsync("/api/mp/complaints", new { orderNo, type = "Device", description = "门打不开" }), HttpStatusCode.Created);
        var no = filed.GetProperty("complaintNo").GetString()!;
        using var ops = await Host.SignedInClientAsync("ops");
        await JsonAsync(await ops.PostAsJsonAsync($"/api/admin/complaints/{(await IdAsync(no))}/reject", new { text = " " }), HttpStatusCode.BadRequest);

        // The deadline passes with no answer: the minute check raises one alert, however often it runs.
        await Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().Complaints.Where(c => c.ComplaintNo == no)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Deadline, DateTime.UtcNow.AddMinutes(-1))));
        for (var i = 0; i < 2; i++)
            await Host.WithScopeAsync(async sp => { await sp.GetRequiredService<ComplaintAdmin>().RaiseOverdueAlertsAsync(CancellationToken.None); return true; });
        var alerts = (await ops.GetFromJsonAsync<JsonElement>("/api/admin/alerts")).EnumerateArray().Where(a => a.GetProperty("title").GetString()!.Contains(no)).ToList();
        var alert = Assert.Single(alerts);
        Assert.Equal($"/complaints/{await IdAsync(no)}", alert.GetProperty("link").GetString());
        var overdue = await ops.GetFromJsonAsync<JsonElement>("/api/admin/complaints?overdue=true&pageSize=100");
        Assert.Contains(overdue.GetProperty("items").EnumerateArray(), c => c.GetProperty("complaintNo").GetString() == no && c.GetProperty("overdue").GetBoolean());

        // Acknowledged, it leaves the board.
        await JsonAsync(await ops.PostAsync($"/api/admin/alerts/{alert.GetProperty("id").GetInt64()}/acknowledge", null));
        Assert.DoesNotContain((await ops.GetFromJsonAsync<JsonElement>("/api/admin/alerts")).EnumerateArray(), a => a.GetProperty("id").GetInt64() == alert.GetProperty("id").GetInt64());
    }

    private Task<long> IdAsync(string complaintNo) =>
        Host.WithScopeAsync(sp => sp.GetRequiredService<CabinetOpsDbContext>().Complaints.Where(c => c.ComplaintNo == complaintNo).Select(c => c.Id).SingleAsync());
}

public sealed class ComplaintOnSqlite(SqliteApp app) : ComplaintTests(app), IClassFixture<SqliteApp>;

public sealed class ComplaintOnPostgres(PostgresApp app) : ComplaintTests(app), IClassFixture<PostgresApp>;
