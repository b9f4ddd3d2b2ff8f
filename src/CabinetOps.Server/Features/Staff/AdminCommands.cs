
namespace CabinetOps.Server.Features.Staff;

/// <summary>
/// <c>-- create-admin</c>: outside the embedded demo there is no default password; the first
/// administrator is created by whoever runs the deployment.
/// </summary>
public static class AdminCommands
{
    public static async Task<int> CreateAdminAsync(WebApplication app, string[] args)
    {
        var userName = Option(args, "--username");
        if (userName is null)
        {
            await Console.Error.WriteLineAsync("用法：create-admin --username NAME [--name 显示名]，密码取自环境变量 CABINETOPS_ADMIN_PASSWORD 或标准输入");
            return 2;
        }

        var password = Environment.GetEnvironmentVariable("CABINETOPS_ADMIN_PASSWORD");
        if (string.IsNullOrEmpty(password))
        {
            await Console.Error.WriteAsync("密码：");
            password = ReadSecret();
        }

        await using var scope = app.Services.CreateAsyncScope();
        var staff = scope.ServiceProvider.GetRequiredService<StaffHandlers>();
        var result = await staff.CreateAsync(StaffActor.System,
            new CreateStaffRequest(userName, Option(args, "--name") ?? "管理员", Roles.Administrator, password, null), CancellationToken.None);
        if (!result.IsSuccess)
        {
            var errors = result.Problem!.Errors?.SelectMany(e => e.Value) ?? [];
            await Console.Error.WriteLineAsync($"创建失败：{result.Problem.Title} {string.Join("；", errors)}");
            return 1;
        }

        Console.WriteLine($"已创建管理员 {result.Value!.UserName}");
        return 0;
    }

    /// <summary>Reads a line without echoing it when a person types it; piped input is read as it is.</summary>
    private static string ReadSecret()
    {
        if (Console.IsInputRedirected)
            return Console.In.ReadLine() ?? "";
        var secret = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                if (secret.Length > 0)
                    secret.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                secret.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return secret.ToString();
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
