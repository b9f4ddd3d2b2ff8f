using System.Security.Cryptography;
using CabinetOps.Server.Infrastructure.Security;

namespace CabinetOps.UnitTests.Infrastructure;

public sealed class PersonalDataProtectorRules
{
    private static PersonalDataKeys Keys(string active, params string[] ids) =>
        new(active, ids.ToDictionary(id => id, _ => RandomNumberGenerator.GetBytes(32)), RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void RoundTripsAndNeverStoresTheDigits()
    {
        var protector = new PersonalDataProtector(Keys("k1", "k1"));
        var stored = protector.Protect("13812345678");
        Assert.StartsWith("v1:k1:", stored);
        Assert.DoesNotContain("13812345678", stored);
        Assert.Equal("13812345678", protector.Unprotect(stored));
    }

    [Fact]
    public void SameValueEncryptsDifferentlyEachTime()
    {
        var protector = new PersonalDataProtector(Keys("k1", "k1"));
        Assert.NotEqual(protector.Protect("13812345678"), protector.Protect("13812345678"));
    }

    [Fact]
    public void OldKeyStillDecryptsAfterRotation()
    {
        var old = Keys("k1", "k1");
        var sealedWithOld = new PersonalDataProtector(old).Protect("13900000000");
        var rotated = new PersonalDataKeys("k2", new Dictionary<string, byte[]> { ["k1"] = old.Keys["k1"], ["k2"] = RandomNumberGenerator.GetBytes(32) }, old.HashKey);
        var protector = new PersonalDataProtector(rotated);
        Assert.Equal("13900000000", protector.Unprotect(sealedWithOld));
        Assert.True(protector.NeedsRotation(sealedWithOld));
        Assert.False(protector.NeedsRotation(protector.Protect("13900000000")));
    }

    [Fact]
    public void TamperedValueIsRejected()
    {
        var protector = new PersonalDataProtector(Keys("k1", "k1"));
        var stored = protector.Protect("13812345678");
        var bytes = Convert.FromBase64String(stored["v1:k1:".Length..]);
        bytes[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect("v1:k1:" + Convert.ToBase64String(bytes)));
    }

    [Fact]
    public void RelabellingWithAnotherKeyIdIsRejected()
    {
        var keys = Keys("k1", "k1", "k2");
        var protector = new PersonalDataProtector(keys);
        var stored = protector.Protect("13812345678");
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(stored.Replace("v1:k1:", "v1:k2:")));
    }

    [Fact]
    public void HashIsStableKeyedAndSeparatedByPurpose()
    {
        var keys = Keys("k1", "k1");
        var a = new PersonalDataProtector(keys);
        Assert.Equal(a.Hash("phone", "13812345678"), a.Hash("phone", "13812345678"));
        Assert.NotEqual(a.Hash("phone", "13812345678"), a.Hash("other", "13812345678"));
        Assert.NotEqual(a.Hash("phone", "13812345678"), new PersonalDataProtector(Keys("k1", "k1")).Hash("phone", "13812345678"));
    }

    /// <summary>A vector sealed outside our code (Python's cryptography AESGCM), so the format is not only self-consistent.</summary>
    [Fact]
    public void DecryptsAVectorMadeOutsideOurCode()
    {
        var key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        var keys = new PersonalDataKeys("k1", new Dictionary<string, byte[]> { ["k1"] = key }, new byte[32]);
        Assert.Equal("13812345678", new PersonalDataProtector(keys).Unprotect(ExternalVector.Sealed));
    }
}
