using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CabinetOps.Server.Infrastructure.Http;

/// <summary>
/// An expected failure of a use case: a stable <c>type</c> (…/problems/{code}), a Chinese title for
/// the user, and the HTTP status it maps to. Handlers return it; endpoints turn it into problem+json.
/// </summary>
public sealed record Problem(string Code, string Title, int Status, string? Detail = null, IDictionary<string, string[]>? Errors = null)
{
    public const string TypeBase = "https://cabinetops.dev/problems/";

    public static Problem Validation(string field, string message) =>
        new("validation", "请求参数有误", StatusCodes.Status400BadRequest, Errors: new Dictionary<string, string[]> { [field] = [message] });

    public static Problem NotFound(string what) => new("not-found", $"{what}不存在", StatusCodes.Status404NotFound);

    public static Problem Conflict(string code, string title) => new(code, title, StatusCodes.Status409Conflict);

    /// <summary>The actor lacks the permission for this use case (a Blazor page reaches handlers without the endpoint's policy).</summary>
    public static Problem Forbidden() => new("forbidden", "没有此操作的权限", StatusCodes.Status403Forbidden);

    public ProblemHttpResult ToHttp()
    {
        var details = Errors is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(Errors);
        details.Type = TypeBase + Code;
        details.Title = Title;
        details.Status = Status;
        details.Detail = Detail;
        return TypedResults.Problem(details);
    }
}

public static class ResultHttp
{
    /// <summary>200 with the value, or the problem as problem+json.</summary>
    public static Results<Ok<T>, ProblemHttpResult> ToHttp<T>(this Result<T> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value!) : result.Problem!.ToHttp();
}

/// <summary>Either a value or a <see cref="Problem"/>.</summary>
public readonly struct Result<T>
{
    private Result(T? value, Problem? problem)
    {
        Value = value;
        Problem = problem;
    }

    public T? Value { get; }
    public Problem? Problem { get; }
    public bool IsSuccess => Problem is null;

    public static implicit operator Result<T>(T value) => new(value, null);
    public static implicit operator Result<T>(Problem problem) => new(default, problem);
}
