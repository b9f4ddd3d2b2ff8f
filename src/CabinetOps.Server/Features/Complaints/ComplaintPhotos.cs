using System.Globalization;
using System.Security.Cryptography;
using CabinetOps.Server.Infrastructure.Http;
using CabinetOps.Server.Infrastructure.Persistence;
using CabinetOps.Server.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Features.Complaints;

/// <summary>Section <c>Complaints</c>.</summary>
public sealed class ComplaintOptions
{
    public const string Section = "Complaints";

    /// <summary>Largest photo accepted, in bytes.</summary>
    [System.ComponentModel.DataAnnotations.Range(10_000, 20_000_000)]
    public long MaxPhotoBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>How long after the order a complaint can still be filed.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 365)]
    public int WindowDays { get; set; } = 30;

    /// <summary>How long a signed photo link works (an <c>&lt;image&gt;</c> cannot send the bearer token).</summary>
    public TimeSpan PhotoLinkLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>A photo no complaint took is deleted after this long.</summary>
    public TimeSpan UnusedPhotoLifetime { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>
/// Where photo bytes live. The default keeps them on disk in the data folder; a deployment with
/// several nodes points this at shared storage (an object store) by registering another implementation.
/// </summary>
public interface IComplaintPhotoStore
{
    Task SaveAsync(string photoId, byte[] content, CancellationToken ct);

    /// <summary>The bytes, or null when the photo is gone.</summary>
    Task<byte[]?> ReadAsync(string photoId, CancellationToken ct);

    Task DeleteAsync(string photoId, CancellationToken ct);
}

public sealed class DiskComplaintPhotoStore(DataPaths paths) : IComplaintPhotoStore
{
    private string PathOf(string photoId)
    {
        // Photo ids are ours (p_ + hex); anything else never reaches the file system.
        if (!ComplaintRules.IsPhotoId(photoId))
            throw new ArgumentException("not a photo id", nameof(photoId));
        var dir = Path.Combine(paths.Root, "complaint-photos", photoId[2..4]);
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, photoId);
    }

    public async Task SaveAsync(string photoId, byte[] content, CancellationToken ct)
    {
        // Written under a temporary name and moved, so a crash never leaves half a photo under its real name.
        var path = PathOf(photoId);
        var temp = path + ".part";
        await File.WriteAllBytesAsync(temp, content, ct);
        File.Move(temp, path, overwrite: true);
    }

    public async Task<byte[]?> ReadAsync(string photoId, CancellationToken ct)
    {
        var path = PathOf(photoId);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, ct) : null;
    }

    public Task DeleteAsync(string photoId, CancellationToken ct)
    {
        File.Delete(PathOf(photoId));
        return Task.CompletedTask;
    }
}

/// <summary>
/// Signed, expiring photo links: <c>/api/mp/complaints/photos/{id}?exp=…&amp;sig=…</c>, the signature a
/// keyed hash over the id and the expiry, so any node can check a link another node issued.
/// </summary>
public sealed class ComplaintPhotoLinks(PersonalDataProtector protector, IOptions<ComplaintOptions> options, TimeProvider clock)
{
    private const string Purpose = "complaint-photo-link";

    public string For(string photoId)
    {
        var exp = clock.GetUtcNow().Add(options.Value.PhotoLinkLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"/api/mp/complaints/photos/{photoId}?exp={exp}&sig={Sign(photoId, exp)}";
    }

    public bool Verify(string photoId, string? exp, string? sig) =>
        exp is not null && sig is not null
        && long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && seconds >= clock.GetUtcNow().ToUnixTimeSeconds()
        && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(Sign(photoId, exp)), System.Text.Encoding.ASCII.GetBytes(sig));

    private string Sign(string photoId, string exp) => protector.Hash(Purpose, $"{photoId}|{exp}")[..32];
}

public sealed record PhotoUploaded(string PhotoId, string Url);

/// <summary>Takes in a customer's photo: judged by its bytes (JPEG or PNG), capped in size, stored, recorded as theirs.</summary>
public sealed class ComplaintPhotoUploads(CabinetOpsDbContext db, IComplaintPhotoStore store, ComplaintPhotoLinks links, IOptions<ComplaintOptions> options,
    TimeProvider clock)
{
    public async Task<Result<PhotoUploaded>> UploadAsync(int customerId, IFormFile? file, CancellationToken ct)
    {
        var max = options.Value.MaxPhotoBytes;
        if (file is null || file.Length == 0)
            return new Problem("complaint-photo-missing", "请选择图片", StatusCodes.Status400BadRequest);
        if (file.Length > max)
            return TooLarge(max);
        var content = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
            await stream.ReadExactlyAsync(content, ct);
        if (ComplaintRules.SniffImage(content) is not { } contentType)
            return new Problem("complaint-photo-type", "只能上传 JPG 或 PNG 图片", StatusCodes.Status415UnsupportedMediaType);
        var photoId = "p_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        // The bytes first: a row never points at a photo that is not there.
        await store.SaveAsync(photoId, content, ct);
        db.ComplaintPhotos.Add(new ComplaintPhoto
        {
            PhotoId = photoId,
            CustomerId = customerId,
            ContentType = contentType,
            Size = content.Length,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
        return new PhotoUploaded(photoId, links.For(photoId));
    }

    public static Problem TooLarge(long max) =>
        new("complaint-photo-too-large", $"图片不能超过 {max / (1024 * 1024)} MB", StatusCodes.Status413PayloadTooLarge);

    /// <summary>The photo behind a signed link, or null (unknown, expired or forged link).</summary>
    public async Task<(byte[] Content, string ContentType)?> ReadAsync(string photoId, string? exp, string? sig, CancellationToken ct)
    {
        if (!ComplaintRules.IsPhotoId(photoId) || !links.Verify(photoId, exp, sig))
            return null;
        var contentType = await db.ComplaintPhotos.AsNoTracking().Where(p => p.PhotoId == photoId).Select(p => p.ContentType).SingleOrDefaultAsync(ct);
        if (contentType is null)
            return null;
        return await store.ReadAsync(photoId, ct) is { } bytes ? (bytes, contentType) : null;
    }

    /// <summary>Housekeeping: photos uploaded but never filed with a complaint go after <see cref="ComplaintOptions.UnusedPhotoLifetime"/>.</summary>
    public async Task PurgeUnusedAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow().UtcDateTime - options.Value.UnusedPhotoLifetime;
        var unused = await db.ComplaintPhotos.Where(p => p.ComplaintId == null && p.CreatedAt < before).Take(500).ToListAsync(ct);
        foreach (var photo in unused)
        {
            // The row goes first: a photo whose row is gone is unreachable, while a row without its bytes would be a broken link.
            db.ComplaintPhotos.Remove(photo);
            await db.SaveChangesAsync(ct);
            await store.DeleteAsync(photo.PhotoId, ct);
        }
    }
}
