using System.Security.Cryptography;
using System.Text;

namespace CabinetOps.Server.Infrastructure.Security;

/// <summary>
/// Encrypts personal data at rest with AES-256-GCM. Stored form: <c>v1:{keyId}:{base64(nonce|ciphertext|tag)}</c>,
/// so the key that sealed a value is always known and keys can rotate. Beside each value a keyed
/// HMAC-SHA256 allows exact lookup ("find the customer with this phone") without decrypting.
/// </summary>
public sealed class PersonalDataProtector(PersonalDataKeys keys)
{
    private const string Version = "v1";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public string Protect(string plaintext)
    {
        var key = keys.Keys[keys.ActiveKeyId];
        var data = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + data.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, data, output.AsSpan(NonceSize, data.Length), output.AsSpan(NonceSize + data.Length), Aad(keys.ActiveKeyId));
        return $"{Version}:{keys.ActiveKeyId}:{Convert.ToBase64String(output)}";
    }

    public string Unprotect(string stored)
    {
        var parts = stored.Split(':', 3);
        if (parts.Length != 3 || parts[0] != Version)
            throw new CryptographicException("Unrecognised protected value.");
        if (!keys.Keys.TryGetValue(parts[1], out var key))
            throw new CryptographicException($"Key '{parts[1]}' is not in the key ring.");
        var input = Convert.FromBase64String(parts[2]);
        if (input.Length < NonceSize + TagSize)
            throw new CryptographicException("Protected value is truncated.");
        var cipherLength = input.Length - NonceSize - TagSize;
        var plain = new byte[cipherLength];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize, cipherLength), input.AsSpan(NonceSize + cipherLength), plain, Aad(parts[1]));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>True when the value was sealed with an older key and should be re-encrypted.</summary>
    public bool NeedsRotation(string stored) => !stored.StartsWith($"{Version}:{keys.ActiveKeyId}:", StringComparison.Ordinal);

    /// <summary>Keyed hash for exact lookup; the purpose separates hashes of different kinds of data.</summary>
    public string Hash(string purpose, string value)
    {
        var bytes = HMACSHA256.HashData(keys.HashKey, Encoding.UTF8.GetBytes($"{purpose}\n{value}"));
        return Convert.ToHexStringLower(bytes);
    }

    // Binding the key id into the tag stops a value being re-labelled with another key id.
    private static byte[] Aad(string keyId) => Encoding.UTF8.GetBytes($"{Version}:{keyId}");
}
