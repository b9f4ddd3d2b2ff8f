namespace CabinetOps.UnitTests.Infrastructure;

/// <summary>
/// Made with Python's cryptography package, outside our code:
/// AESGCM(bytes(range(32))).encrypt(bytes.fromhex('a1a2a3a4a5a6a7a8a9aaabac'), b'13812345678', b'v1:k1'),
/// stored as v1:k1:base64(nonce | ciphertext | tag).
/// </summary>
internal static class ExternalVector
{
    public const string Sealed = "v1:k1:oaKjpKWmp6ipqqusF9y/XsZmClq4SYpAt9KQybFxqOSVXX6qKACL";
}
