using System.Security.Cryptography;
using CabinetOps.Server.Integrations.WechatPay;

namespace CabinetOps.UnitTests.Integrations;

/// <summary>
/// Vectors made by Vectors/wechatpay/make-vectors.sh with openssl and Python's cryptography
/// package, outside our code (wechatpay-v3.md §2.5, §3, §6.3).
/// </summary>
public sealed class WechatPaySignatureRules
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Integrations", "Vectors", "wechatpay");

    private static string Read(string file) => File.ReadAllText(Path.Combine(Dir, file)).Trim();

    private static RSA PrivateKey() => WechatPaySignature.ImportPem(Read("test_merchant_key.pem"));

    private static RSA PublicKey() => WechatPaySignature.ImportPem(Read("test_merchant_pub.pem"));

    [Fact]
    public void SignaturesMatchOpenssl()
    {
        using var key = PrivateKey();
        Assert.Equal(Read("get.sig"), WechatPaySignature.Sign(key,
            WechatPaySignature.StringToSign("GET", "/v3/refund/domestic/refunds/123123123123", "1554208460", "593BEC0C930BF1AFEB40B4A08C8FB242", "")));
        Assert.Equal(Read("post.sig"), WechatPaySignature.Sign(key,
            WechatPaySignature.StringToSign("post", "/v3/payscore/serviceorder", "1795500000", "n8Kq2LxV7pZr4TbY9mWc3FdH6sJe1AuG",
                """{"out_order_no":"DS20261124140000A7K2","service_id":"500001"}""")));
    }

    [Fact]
    public void PaySignMatchesOpensslOverTheFourLines()
    {
        using var key = PrivateKey();
        Assert.Equal(Read("paysign.sig"), WechatPaySignature.PaySign(key, "wx2421b1c4370ec43b", "1554208460", "593BEC0C930BF1AFEB40B4A08C8FB242",
            "prepay_id=wx201410272009395522657a690389285100"));
    }

    [Fact]
    public void NotificationSignatureVerifiesAndAnyChangeOrTheProbeFails()
    {
        using var key = PublicKey();
        var body = File.ReadAllText(Path.Combine(Dir, "notification.json"));
        var signature = Read("notification.sig");
        const string nonce = "Hj4Rt8Wq2Zx6Cv0Bn5Mk9Lp3Ds7Fg1Ay";
        Assert.True(WechatPaySignature.Verify(key, WechatPaySignature.StringToVerify("1795500005", nonce, body), signature));
        Assert.False(WechatPaySignature.Verify(key, WechatPaySignature.StringToVerify("1795500006", nonce, body), signature));
        Assert.False(WechatPaySignature.Verify(key, WechatPaySignature.StringToVerify("1795500005", nonce, body + " "), signature));
        Assert.False(WechatPaySignature.Verify(key, WechatPaySignature.StringToVerify("1795500005", nonce, body), WechatPaySignature.ProbePrefix + signature));
        Assert.False(WechatPaySignature.Verify(key, "x", "not base64!"));
    }

    [Fact]
    public void ResourceDecryptsWithTheApiV3KeyAndATamperedOneDoesNot()
    {
        var sealedText = Read("resource.b64");
        var plain = WechatPaySignature.DecryptResource("0123456789abcdefABCDEF0123456789", "5K8264ILTKCH", "payscore", sealedText);
        Assert.Contains("\"user_service_status\":\"USER_OPEN_SERVICE\"", plain);
        Assert.ThrowsAny<CryptographicException>(() => WechatPaySignature.DecryptResource("0123456789abcdefABCDEF0123456789", "5K8264ILTKCH", "transaction", sealedText));
        Assert.ThrowsAny<CryptographicException>(() => WechatPaySignature.DecryptResource("0123456789abcdefABCDEF012345678X", "5K8264ILTKCH", "payscore", sealedText));
    }

    [Fact]
    public void AuthorizationHeaderHasTheSchemeAndFiveQuotedPairs()
    {
        var header = WechatPaySignature.Authorization("1900007291", "593BEC0C930BF1AFEB40B4A08C8FB242", "1554208460", "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB", "c2ln");
        Assert.Equal("WECHATPAY2-SHA256-RSA2048 mchid=\"1900007291\",nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\",timestamp=\"1554208460\","
            + "serial_no=\"408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB\",signature=\"c2ln\"", header);
        Assert.Matches("^[0-9a-zA-Z]{32}$", WechatPaySignature.NewNonce());
    }
}

/// <summary>The APIv2 page signature against WeChat's official APIv2 sample (payscore.md §7.2).</summary>
public sealed class WechatPayV2SignatureRules
{
    [Fact]
    public void OfficialSampleGivesTheOfficialHmac()
    {
        var fields = new Dictionary<string, string>
        {
            ["mch_id"] = "10000100", ["body"] = "test", ["nonce_str"] = "ibuaiVcKdpRxkhJA", ["appid"] = "wxd930ea5d5a258f4f", ["device_info"] = "1000", ["empty"] = "",
        };
        Assert.Equal("6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6", WechatPaySignature.SignV2(fields, "192006250b4c09247ec02edce69f6a2d"));
    }
}
