using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using CabinetOps.Server.Infrastructure.Persistence;

namespace CabinetOps.Server.Integrations.WechatPay;

/// <summary>Section <c>WeChatPay</c> (the names issue #5 gives). Secrets and keys come from files or the environment.</summary>
public sealed class WechatPayOptions
{
    public const string Section = "WeChatPay";

    [Required] public string MchId { get; set; } = "";
    /// <summary>The mini-program's AppID, bound to the merchant number.</summary>
    [Required] public string AppId { get; set; } = "";
    /// <summary>The Pay Score service id.</summary>
    [Required] public string ServiceId { get; set; } = "";
    /// <summary>32 ASCII characters; only decrypts notification resources.</summary>
    [Required, StringLength(32, MinimumLength = 32)] public string ApiV3Key { get; set; } = "";
    /// <summary>PKCS#8 PEM of the merchant API private key; relative paths are inside <c>DataPath</c>.</summary>
    [Required] public string PrivateKeyPath { get; set; } = "";
    /// <summary>Serial of the merchant API certificate, sent in every Authorization header.</summary>
    [Required] public string CertSerialNo { get; set; } = "";
    /// <summary>The WeChat Pay public key (public-key mode) that signs responses and notifications.</summary>
    [Required] public string PublicKeyPath { get; set; } = "";
    /// <summary><c>PUB_KEY_ID_…</c>: the only <c>Wechatpay-Serial</c> accepted.</summary>
    [Required] public string PublicKeyId { get; set; } = "";
    [Required, Url] public string BaseUrl { get; set; } = "https://api.mch.weixin.qq.com/";
    /// <summary>Our public notification URL (HTTPS, no query string).</summary>
    [Required, Url] public string NotifyUrl { get; set; } = "";
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The APIv2 key: signs the Pay Score mini-program pages (HMAC-SHA256). Required in 需确认 mode;
    /// without it the re-pay of a Pay Score order uses JSAPI and a sync instead of the Pay Score order page.
    /// </summary>
    public string? ApiV2Key { get; set; }

    /// <summary>
    /// 免确认 (<see cref="PayScoreMode.NoConfirm"/>, default) needs a grant WeChat does not give every merchant;
    /// 需确认 (<see cref="PayScoreMode.Confirm"/>) has the customer confirm each order on WeChat's page.
    /// </summary>
    public PayScoreMode PayScoreMode { get; set; } = PayScoreMode.NoConfirm;
    /// <summary>Embedded default only: create a merchant key pair in the data folder when the key file is missing.</summary>
    public bool GenerateKeysIfMissing { get; set; }
}

public enum PayScoreMode
{
    NoConfirm = 0,
    Confirm = 1,
}

/// <summary>The merchant private key and the WeChat Pay public key, read once from their PEM files.</summary>
public sealed class WechatPayKeys
{
    private readonly Lazy<RSA> _publicKey;

    public WechatPayKeys(Microsoft.Extensions.Options.IOptions<WechatPayOptions> options, DataPaths paths)
    {
        var o = options.Value;
        var privatePath = Path.Combine(paths.Root, o.PrivateKeyPath);
        if (!File.Exists(privatePath) && o.GenerateKeysIfMissing)
            Generate(privatePath);
        MerchantKey = WechatPaySignature.ImportPem(File.ReadAllText(privatePath));
        // Read on first use: on the embedded default the sandbox writes its public key at start-up.
        _publicKey = new Lazy<RSA>(() => WechatPaySignature.ImportPem(File.ReadAllText(Path.Combine(paths.Root, o.PublicKeyPath))));
    }

    public RSA MerchantKey { get; }

    public RSA WechatPayPublicKey => _publicKey.Value;

    /// <summary>A merchant key pair for the sandbox: the private key (0600) and, beside it, the public key the simulator verifies with.</summary>
    private static void Generate(string privatePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(privatePath)!);
        using var rsa = RSA.Create(2048);
        File.WriteAllText(privatePath, rsa.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(privatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(Path.ChangeExtension(privatePath, null) + "_pub.pem", rsa.ExportSubjectPublicKeyInfoPem());
    }
}
