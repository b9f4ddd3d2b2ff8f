using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace CabinetOps.Server.Integrations.Erp;

/// <summary>Section <c>Erp</c>: the ERP's product feed (docs/integrations/erp.md).</summary>
public sealed class ErpOptions
{
    public const string Section = "Erp";

    [Required, Url]
    public string BaseUrl { get; set; } = "";

    [Required]
    public string AppId { get; set; } = "";

    [Required, StringLength(64, MinimumLength = 16)]
    public string AppSecret { get; set; } = "";

    [Range(1, 500)]
    public int PageSize { get; set; } = 100;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>A product as the ERP describes it; prices in integer fen like every contract of ours.</summary>
public sealed class ErpProduct
{
    public string Code { get; set; } = "";
    public string? Barcode { get; set; }
    public string Name { get; set; } = "";
    public string? Category { get; set; }
    public string? Specification { get; set; }
    public string? Unit { get; set; }
    public long PriceFen { get; set; }
    public string? ImageUrl { get; set; }
    /// <summary><c>ON_SALE</c> or <c>OFF_SALE</c>.</summary>
    public string Status { get; set; } = "";
    /// <summary>A tombstone: the product was deleted in the ERP.</summary>
    public bool Deleted { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Where a change feed read continues: strictly after (updated_at, code).</summary>
public sealed record ErpCursor(DateTimeOffset UpdatedAt, string Code);

public sealed class ErpChangePage
{
    public List<ErpProduct> Items { get; set; } = [];
    public bool HasMore { get; set; }
}

public sealed class ErpException(string message) : Exception(message);

/// <summary>
/// The ERP product change feed: keyset pages ordered by (updated_at, code), so a product changed
/// while a sync is reading moves behind the cursor and is read again, never skipped.
/// </summary>
public sealed class ErpClient(HttpClient http, IOptions<ErpOptions> options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task<ErpChangePage> ChangesAsync(ErpCursor? after, CancellationToken ct)
    {
        var query = $"v1/products/changes?limit={options.Value.PageSize}";
        if (after is not null)
            query += $"&after_updated_at={Uri.EscapeDataString(after.UpdatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture))}"
                + $"&after_code={Uri.EscapeDataString(after.Code)}";
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(query, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new ErpException("ERP 无响应（网络错误或超时）");
        }

        using (response)
        {
            Envelope? envelope = null;
            try
            {
                envelope = await response.Content.ReadFromJsonAsync<Envelope>(Json, ct);
            }
            catch (JsonException)
            {
            }

            if (!response.IsSuccessStatusCode || envelope is not { Code: "OK", Data: not null })
                throw new ErpException($"ERP 返回错误：HTTP {(int)response.StatusCode} {envelope?.Code} {envelope?.Message}".TrimEnd());
            return envelope.Data;
        }
    }

    private sealed class Envelope
    {
        public string? Code { get; set; }
        public string? Message { get; set; }
        public ErpChangePage? Data { get; set; }
    }
}
