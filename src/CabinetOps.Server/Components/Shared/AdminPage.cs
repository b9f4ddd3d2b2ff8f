using CabinetOps.Server.Features.Staff;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Time;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace CabinetOps.Server.Components.Shared;

/// <summary>
/// Base of the admin pages. A circuit outlives a request, so each operation resolves its handler in
/// a fresh scope with its own DbContext (dotnet/blazor-samples), and passes the signed-in staff member.
/// </summary>
public abstract class AdminPage : ComponentBase
{
    [Inject]
    protected IServiceScopeFactory Scopes { get; set; } = default!;

    [Inject]
    protected ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected async Task<StaffActor> ActorAsync() => StaffActor.FromPrincipal((await AuthenticationState).User);

    protected async Task<T> RunAsync<THandler, T>(Func<THandler, StaffActor, Task<T>> operation) where THandler : notnull
    {
        await using var scope = Scopes.CreateAsyncScope();
        return await operation(scope.ServiceProvider.GetRequiredService<THandler>(), await ActorAsync());
    }

    /// <summary>Shows the outcome of a use case: its Chinese problem title, or the success message.</summary>
    protected bool Report<T>(Result<T> result, string success)
    {
        if (result.IsSuccess)
        {
            Snackbar.Add(success, Severity.Success);
            return true;
        }

        var detail = result.Problem!.Errors?.SelectMany(e => e.Value).FirstOrDefault();
        Snackbar.Add(detail ?? result.Problem.Title, Severity.Error);
        return false;
    }

    /// <summary>A dialog is a form too: checks the data annotations the API checks, and shows the first message.</summary>
    protected bool IsValid(object request)
    {
        var errors = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (System.ComponentModel.DataAnnotations.Validator.TryValidateObject(request, new(request), errors, validateAllProperties: true))
            return true;
        Snackbar.Add(errors[0].ErrorMessage ?? "请检查输入", Severity.Error);
        return false;
    }

    /// <summary>UTC from the database, shown in Asia/Shanghai (DESIGN §3).</summary>
    protected static string ShowTime(DateTime? utc) => utc is { } t ? ShanghaiTime.Format(t) : "—";

    protected static string ShowTime(DateTimeOffset? utc) => utc is { } t ? ShanghaiTime.Format(t.UtcDateTime) : "—";
}
