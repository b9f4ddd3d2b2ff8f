namespace CabinetOps.Server.Infrastructure.Http;

/// <summary>Section <c>PublicUrls</c>: the HTTPS host customers scan (configured in WeChat as a QR rule).</summary>
public sealed class PublicUrlsOptions
{
    public const string Section = "PublicUrls";

    public string Host { get; set; } = "cab.example.com";
}

/// <summary>The URLs QR codes encode (DESIGN §4): <c>/s/{store_code}</c> lists a store's cabinets, <c>/d/{device_code}</c> opens one.</summary>
public sealed class PublicUrls(Microsoft.Extensions.Options.IOptions<PublicUrlsOptions> options)
{
    public string Store(string storeCode) => $"https://{options.Value.Host}/s/{Uri.EscapeDataString(storeCode)}";

    public string Device(string deviceCode) => $"https://{options.Value.Host}/d/{Uri.EscapeDataString(deviceCode)}";
}
