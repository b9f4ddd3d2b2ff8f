using System.Globalization;
using System.Security.Cryptography;
using CabinetOps.Server.Infrastructure.Time;

namespace CabinetOps.Server.Infrastructure.Persistence;

/// <summary>Numbers people read out in support calls: a prefix, Beijing time and six random characters (no look-alikes); unique by each table's index.</summary>
public static class BusinessNumbers
{
    public static string New(string prefix, DateTime utc) =>
        prefix + ShanghaiTime.FromUtc(utc).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)
        + RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 6);
}
