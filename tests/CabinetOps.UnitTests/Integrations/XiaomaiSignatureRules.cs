using System.Text;
using CabinetOps.Sandbox.Signing;
using CabinetOps.Server.Infrastructure.Security;
using CabinetOps.TestSupport;

namespace CabinetOps.UnitTests.Integrations;

/// <summary>
/// The worked examples of xiaomai.md §2.4 — computed outside our code (the contract shows the
/// openssl and python3 commands that produce them) — reproduced by both the server's signer and
/// the simulator's independent one.
/// </summary>
public sealed class XiaomaiSignatureRules
{
    private const string AppId = XiaomaiVectors.AppId;
    private const string Secret = XiaomaiVectors.Secret;
    private const string Example1Body = XiaomaiVectors.Example1Body;
    private const string Example3Body = XiaomaiVectors.Example3Body;

    public static TheoryData<string, string, string, string, string, string> Examples => new()
    {
        { "POST", "/v1/devices/XM-SH-000123/open", "1795500000", "n8Kq2LxV7pZr4TbY9mWc3FdH6sJe1AuG", Example1Body, "44fe6a3e7e772a2a040e9c82334890f3b51bfad94fd4b99c7707bf024252551f" },
        { "GET", "/v1/devices?store_code=SH001&page=1&page_size=20", "1795500005", "Qz3Vb8Nw1Kd6Hs0Lp9Tr2Yc5Xf7Mg4Ja", "", "53e973b1503a8e56ca648caf7d3685cd76f93b25656469150527334f8995e946" },
        { "POST", "/webhooks/xiaomai", "1795500005", "Hj4Rt8Wq2Zx6Cv0Bn5Mk9Lp3Ds7Fg1Ay", Example3Body, "66e3c0eece8225fbf4f024d2d63f6d541bae7b0d90c978adee6cbfb8bbced19d" },
        { "POST", "/webhooks/xiaomai", "1795500005", "Hj4Rt8Wq2Zx6Cv0Bn5Mk9Lp3Ds7Fg1Ay", Example3Body.Replace("\"door_no\":1", "\"door_no\":2"), "e00bd8840b10576dcaad6ddcf9ad180d52aecabb3c09546acbb6cd9795349f84" },
    };

    [Fact]
    public void BodyHashesMatchTheContract()
    {
        Assert.Equal(119, Encoding.UTF8.GetByteCount(Example1Body));
        Assert.Equal(367, Encoding.UTF8.GetByteCount(Example3Body));
        Assert.Equal("82594a9212c14f1650471f725118436ffcfc5c63fa1fa89ddfa418df22a943f6", HmacRequestSignature.BodyHash(Encoding.UTF8.GetBytes(Example1Body)));
        Assert.Equal("ad76eca082e3d64f96d438a507a0173f5da9ac33af6a3428cf2dd1cd6c9f10d3", HmacRequestSignature.BodyHash(Encoding.UTF8.GetBytes(Example3Body)));
        Assert.Equal(HmacRequestSignature.EmptyBodyHash, HmacRequestSignature.BodyHash([]));
    }

    [Fact]
    public void CanonicalStringHasSevenLinesAndNoTrailingLineFeed()
    {
        var canonical = HmacRequestSignature.Canonical("XM1-HMAC-SHA256", "post", "/v1/devices/XM-SH-000123/open", AppId, "1795500000",
            "n8Kq2LxV7pZr4TbY9mWc3FdH6sJe1AuG", "82594a9212c14f1650471f725118436ffcfc5c63fa1fa89ddfa418df22a943f6");
        Assert.Equal("XM1-HMAC-SHA256\nPOST\n/v1/devices/XM-SH-000123/open\nxm_app_10001\n1795500000\nn8Kq2LxV7pZr4TbY9mWc3FdH6sJe1AuG\n"
            + "82594a9212c14f1650471f725118436ffcfc5c63fa1fa89ddfa418df22a943f6", canonical);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void ServerSignerReproducesTheWorkedExamples(string method, string target, string timestamp, string nonce, string body, string expected)
    {
        var canonical = HmacRequestSignature.Canonical(HmacScheme.Xiaomai.Name, method, target, AppId, timestamp, nonce,
            HmacRequestSignature.BodyHash(Encoding.UTF8.GetBytes(body)));
        Assert.Equal(expected, HmacRequestSignature.Sign(Secret, canonical));
        Assert.True(HmacRequestSignature.Matches(expected, HmacRequestSignature.Sign(Secret, canonical)));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void SimulatorSignerReproducesTheWorkedExamples(string method, string target, string timestamp, string nonce, string body, string expected)
    {
        var simulator = new SandboxSignature("XM1-HMAC-SHA256", "X-Xm-", TimeProvider.System);
        Assert.Equal(expected, simulator.Compute(Secret, method, target, AppId, timestamp, nonce, Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void AnotherSecretOrSchemeNeverMatches()
    {
        var canonical = HmacRequestSignature.Canonical(HmacScheme.Erp.Name, "POST", "/webhooks/xiaomai", AppId, "1795500005", "Hj4Rt8Wq2Zx6Cv0Bn5Mk9Lp3Ds7Fg1Ay",
            HmacRequestSignature.BodyHash(Encoding.UTF8.GetBytes(Example3Body)));
        Assert.False(HmacRequestSignature.Matches("66e3c0eece8225fbf4f024d2d63f6d541bae7b0d90c978adee6cbfb8bbced19d", HmacRequestSignature.Sign(Secret, canonical)));
        Assert.False(HmacRequestSignature.Matches("66e3c0eece8225fbf4f024d2d63f6d541bae7b0d90c978adee6cbfb8bbced19d", null));
        Assert.Matches("^[A-Za-z0-9]{32}$", HmacRequestSignature.NewNonce());
    }
}
