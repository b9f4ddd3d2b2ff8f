using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CabinetOps.Server.Infrastructure.Http;

public static class HttpSetup
{
    /// <summary>Default request body limit. The complaint photo upload raises it for itself (Complaints:MaxPhotoBytes).</summary>
    public const long MaxRequestBodyBytes = 256 * 1024;

    public static IServiceCollection AddHttpSurface(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? ctx.HttpContext.TraceIdentifier;
            // Framework-made problems (validation, 404, 413…) carry English titles; the user sees Chinese.
            // Our own problems always have Chinese titles, so an all-ASCII title is the framework's.
            if (ctx.ProblemDetails.Title is null || ctx.ProblemDetails.Title.All(char.IsAscii))
                ctx.ProblemDetails.Title = TitleFor(ctx.ProblemDetails.Status);
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddValidation();
        // Malformed JSON and wrong types throw BadHttpRequestException in every environment, so the
        // exception handler answers them with the same problem+json in Development and Production.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        return services;
    }

    public static bool IsMachineEndpoint(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/webhooks") || path.StartsWithSegments("/openapi")
        || path.StartsWithSegments("/sandbox/wechat") || path.StartsWithSegments("/sandbox/xiaomai") || path.StartsWithSegments("/sandbox/erp")
        || path.StartsWithSegments("/sandbox/wechatpay");

    internal static string TitleFor(int? status) => status switch
    {
        400 => "请求参数有误",
        401 => "请先登录",
        403 => "没有权限执行此操作",
        404 => "请求的资源不存在",
        405 => "不支持的请求方法",
        409 => "请求与当前状态冲突",
        413 => "请求内容过大",
        415 => "不支持的内容类型",
        429 => "请求过于频繁，请稍后再试",
        500 => "服务器内部错误",
        503 => "服务暂不可用",
        _ => "请求失败",
    };

    /// <summary>
    /// Maps exceptions to problem+json: bad requests keep their 4xx status; anything else is a 500
    /// whose detail (the exception text) is shown only in Development.
    /// </summary>
    private sealed class ProblemExceptionHandler(IProblemDetailsService problems, IHostEnvironment env, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            var (status, detail) = exception switch
            {
                BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == 413 ? $"请求内容不能超过 {MaxRequestBodyBytes / 1024} KB" : "请求格式错误：请检查 JSON 格式与字段类型"),
                _ => (StatusCodes.Status500InternalServerError, env.IsDevelopment() ? exception.Message : null),
            };
            if (status >= 500)
                logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            else
                logger.LogInformation("Bad request on {Method} {Path}: {Reason}", httpContext.Request.Method, httpContext.Request.Path, exception.Message);

            httpContext.Response.StatusCode = status;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails = new ProblemDetails
                {
                    Status = status,
                    Title = TitleFor(status),
                    Type = Problem.TypeBase + (status >= 500 ? "server-error" : "bad-request"),
                    Detail = detail,
                },
            });
        }
    }
}
