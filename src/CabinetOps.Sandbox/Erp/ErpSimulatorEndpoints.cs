using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CabinetOps.Sandbox.Erp;

/// <summary>The fake ERP under <c>/sandbox/erp</c>: the signed feed at <c>/sandbox/erp/v1/…</c> and unsigned controls.</summary>
public static class ErpSimulatorEndpoints
{
    private const string Name = "ERP";

    public static IEndpointRouteBuilder MapErpSimulator(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/sandbox/erp").ExcludeFromDescription();
        g.MapGet("/v1/products/changes", async (HttpContext http, ErpSimulator erp, SandboxJournal journal) =>
        {
            var (error, _) = await erp.Signature.VerifyAsync(http.Request, erp.Options.AppId, erp.Options.AppSecret);
            var result = error is not null ? Error(401, error, "authentication failed")
                : erp.Outage ? Error(503, "SERVICE_UNAVAILABLE", "ERP maintenance")
                : Feed(http, erp);
            journal.Record(Name, "GET", http.Request.Path + http.Request.QueryString, result is IStatusCodeHttpResult s ? s.StatusCode ?? 200 : 200,
                error ?? (erp.Outage ? "故障：ERP 停机" : ""));
            return result;
        });
        g.MapPost("/faults", (bool outage, string? redirect, ErpSimulator erp) =>
        {
            erp.Outage = outage;
            return redirect == "1" ? Results.Redirect("/sandbox") : Results.Json(new { outage });
        });
        g.MapPost("/changes", (string kind, string? code, long? priceFen, ErpSimulator erp) =>
            erp.Change(kind, code, priceFen) is { } item
                ? Results.Json(ErpSimulator.ToJson(item), ErpSimulator.Json)
                : Results.Problem(statusCode: 400, title: "无法应用该变更（kind: price | off-sale | on-sale | remove | rename | add；code 须存在）"));
        g.MapPost("/changes/random", (int? count, string? redirect, ErpSimulator erp) =>
        {
            var items = erp.RandomChanges(Math.Clamp(count ?? 5, 1, 50));
            return redirect == "1" ? Results.Redirect("/sandbox") : Results.Json(items.Select(ErpSimulator.ToJson), ErpSimulator.Json);
        });
        g.MapGet("/products/{code}", (string code, ErpSimulator erp) =>
            erp.Find(code) is { } item ? Results.Json(ErpSimulator.ToJson(item), ErpSimulator.Json) : Results.Problem(statusCode: 404, title: "ERP 中没有该商品"));
        return app;
    }

    private static IResult Feed(HttpContext http, ErpSimulator erp)
    {
        var q = http.Request.Query;
        var limit = int.TryParse(q["limit"], out var l) ? l : 100;
        if (limit is < 1 or > 500)
            return Error(400, "INVALID_ARGUMENT", "limit must be 1-500");
        DateTimeOffset? after = null;
        if (!string.IsNullOrEmpty(q["after_updated_at"]))
        {
            if (!DateTimeOffset.TryParse(q["after_updated_at"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) || string.IsNullOrEmpty(q["after_code"]))
                return Error(400, "INVALID_ARGUMENT", "after_updated_at must be ISO-8601 and comes with after_code");
            after = parsed;
        }

        var (items, hasMore) = erp.Changes(after, q["after_code"], limit);
        return Results.Json(new { code = "OK", message = "ok", data = new { items = items.Select(ErpSimulator.ToJson), has_more = hasMore } }, ErpSimulator.Json);
    }

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { code, message }, ErpSimulator.Json, statusCode: status);
}
