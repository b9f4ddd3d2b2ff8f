using System.Security.Cryptography;
using System.Text.Json;
using CabinetOps.Server.Infrastructure.Persistence;

namespace CabinetOps.Server.Infrastructure.Security;

/// <summary>
/// Section <c>PersonalData</c>. Keys come from configuration (<c>Keys:{id}</c> as base64, for
/// environment variables or a secret store) or from a key file (<c>KeyFile</c>). The active key
/// encrypts; every listed key decrypts, so a key can be rotated without rewriting old rows at once.
/// </summary>
public sealed class PersonalDataOptions
{
    public const string Section = "PersonalData";

    public string? KeyFile { get; set; }
    public string? ActiveKeyId { get; set; }
    public Dictionary<string, string> Keys { get; set; } = [];
    /// <summary>Key of the HMAC used for exact lookup (phone hash). Never rotated casually: it keys an index.</summary>
    public string? HashKey { get; set; }
    /// <summary>Generate a key file in the data folder when no key is configured (embedded default only).</summary>
    public bool GenerateIfMissing { get; set; }
}

/// <summary>The loaded key ring.</summary>
public sealed class PersonalDataKeys
{
    public PersonalDataKeys(string activeKeyId, IReadOnlyDictionary<string, byte[]> keys, byte[] hashKey)
    {
        if (!keys.ContainsKey(activeKeyId))
            throw new InvalidOperationException($"PersonalData: active key '{activeKeyId}' is not in the key ring.");
        if (keys.Values.Any(k => k.Length != 32) || hashKey.Length < 32)
            throw new InvalidOperationException("PersonalData: keys must be 32 bytes (AES-256) and the hash key at least 32 bytes.");
        ActiveKeyId = activeKeyId;
        Keys = keys;
        HashKey = hashKey;
    }

    public string ActiveKeyId { get; }
    public IReadOnlyDictionary<string, byte[]> Keys { get; }
    public byte[] HashKey { get; }

    public static PersonalDataKeys Load(PersonalDataOptions options, DataPaths paths)
    {
        if (options.Keys.Count > 0)
        {
            return new PersonalDataKeys(
                options.ActiveKeyId ?? throw new InvalidOperationException("PersonalData:ActiveKeyId is required with PersonalData:Keys."),
                options.Keys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value)),
                Convert.FromBase64String(options.HashKey ?? throw new InvalidOperationException("PersonalData:HashKey is required with PersonalData:Keys.")));
        }

        var file = options.KeyFile ?? (options.GenerateIfMissing ? paths.File("keys/personal-data.json") : null)
            ?? throw new InvalidOperationException("PersonalData: configure Keys + HashKey or a KeyFile (docs/configuration).");
        if (!File.Exists(file))
        {
            if (!options.GenerateIfMissing)
                throw new InvalidOperationException($"PersonalData: key file '{file}' does not exist.");
            Generate(file);
        }

        var stored = JsonSerializer.Deserialize<KeyFileContent>(File.ReadAllText(file))
            ?? throw new InvalidOperationException($"PersonalData: key file '{file}' is empty.");
        return new PersonalDataKeys(
            stored.ActiveKeyId,
            stored.Keys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value)),
            Convert.FromBase64String(stored.HashKey));
    }

    private static void Generate(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var id = "k1";
        var content = new KeyFileContent(id,
            new Dictionary<string, string> { [id] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        File.WriteAllText(file, JsonSerializer.Serialize(content, new JsonSerializerOptions { WriteIndented = true }));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private sealed record KeyFileContent(string ActiveKeyId, Dictionary<string, string> Keys, string HashKey);
}
