using System.ComponentModel.DataAnnotations;

namespace CabinetOps.Server.Integrations.Xiaomai;

/// <summary>Section <c>Xiaomai</c>, named as the contract names it (xiaomai.md §2.2). Secrets come from the environment in production.</summary>
public sealed class XiaomaiOptions
{
    public const string Section = "Xiaomai";

    [Required, Url]
    public string ApiBaseUrl { get; set; } = "";

    [Required]
    public string AppId { get; set; } = "";

    [Required, StringLength(64, MinimumLength = 16)]
    public string AppSecret { get; set; } = "";

    /// <summary>Accepted on inbound pushes during a key rotation (at least 24 h).</summary>
    public string? PreviousAppSecret { get; set; }

    /// <summary>The URL registered with the vendor; its path is the signed path of every push.</summary>
    [Required, Url]
    public string WebhookPublicUrl { get; set; } = "";

    [Range(1, 60)]
    public int OpenTimeoutSeconds { get; set; } = 5;

    [Range(1, 120)]
    public int QueryTimeoutSeconds { get; set; } = 10;

    /// <summary>How often device status is pulled to repair missed pushes (§2.12 item 4); zero turns the pull off.</summary>
    public TimeSpan DeviceStatusPullInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Webhook requests accepted per minute (DESIGN §8); above it the vendor's ladder retries.</summary>
    [Range(1, 1_000_000)]
    public int WebhookPerMinute { get; set; } = 6000;

    public string WebhookPath => new Uri(WebhookPublicUrl).AbsolutePath;

    public IReadOnlyList<string> InboundSecrets => string.IsNullOrEmpty(PreviousAppSecret) ? [AppSecret] : [AppSecret, PreviousAppSecret];
}
