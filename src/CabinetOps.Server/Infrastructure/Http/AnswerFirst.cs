using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace CabinetOps.Server.Infrastructure.Http;

/// <summary>
/// Sends <paramref name="answer"/> to the client in full, then runs <paramref name="afterwards"/> inside
/// the same request (its scope, its database context) while the client already reads the answer: for
/// work the answer does not depend on and whose loss something else repairs. <c>afterwards</c> runs to
/// the end even if the client has gone (it is not given the request's cancellation) and must handle
/// its own failures: the answer can no longer change. The endpoint's OpenAPI description is the answer's.
/// </summary>
public sealed class AnswerFirst<TAnswer>(TAnswer answer, Func<CancellationToken, Task>? afterwards) : IResult, IEndpointMetadataProvider
    where TAnswer : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await answer.ExecuteAsync(httpContext);
        if (afterwards is null)
            return;
        await httpContext.Response.CompleteAsync();
        await afterwards(CancellationToken.None);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => TAnswer.PopulateMetadata(method, builder);
}
