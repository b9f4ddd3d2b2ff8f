namespace CabinetOps.Server.Features.Complaints;

/// <summary>The rules of a complaint that need no database: text limits, photo ids, and what counts as an image.</summary>
public static class ComplaintRules
{
    public const int MaxText = 500;
    public const int MaxPhotos = 4;

    /// <summary>1–500 characters after trimming, or why not.</summary>
    public static string? CheckText(string? text, string what) =>
        string.IsNullOrWhiteSpace(text) ? $"请填写{what}"
        : text.Trim().Length > MaxText ? $"{what}不能超过 {MaxText} 个字"
        : null;

    /// <summary>Our photo ids: <c>p_</c> and 32 lower-case hex digits (so one never names a path).</summary>
    public static bool IsPhotoId(string? id) =>
        id is { Length: 34 } && id.StartsWith("p_", StringComparison.Ordinal) && id[2..].All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    /// <summary>
    /// The image type by the file's own bytes (its name and declared type are the sender's word):
    /// JPEG starts FF D8 FF, PNG with its eight-byte signature. Anything else is refused.
    /// </summary>
    public static string? SniffImage(ReadOnlySpan<byte> content) =>
        content.Length >= 3 && content[0] == 0xFF && content[1] == 0xD8 && content[2] == 0xFF ? "image/jpeg"
        : content.Length >= 8 && content[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? "image/png"
        : null;
}
