namespace CabinetOps.Server.Infrastructure.Time;

/// <summary>Times are stored in UTC and shown in Asia/Shanghai (DESIGN §3).</summary>
public static class ShanghaiTime
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static DateTime FromUtc(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    public static DateTime ToUtc(DateTime shanghai) => TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(shanghai, DateTimeKind.Unspecified), Zone);

    public static string Format(DateTime utc) => FromUtc(utc).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
