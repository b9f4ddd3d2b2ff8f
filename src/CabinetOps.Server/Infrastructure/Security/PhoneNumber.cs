using System.Text.RegularExpressions;

namespace CabinetOps.Server.Infrastructure.Security;

/// <summary>Phone rules shared by storage, lookup and display.</summary>
public static partial class PhoneNumber
{
    public const string HashPurpose = "phone";

    /// <summary>Digits only, so "138 0000 0000" and "13800000000" hash alike.</summary>
    public static string Normalise(string phone) => new(phone.Where(char.IsAsciiDigit).ToArray());

    public static bool IsValid(string phone) => ValidPattern().IsMatch(Normalise(phone));

    /// <summary>138****0000: never more than the first three and last four digits.</summary>
    public static string Mask(string phone)
    {
        var digits = Normalise(phone);
        return digits.Length >= 7 ? $"{digits[..3]}****{digits[^4..]}" : "****";
    }

    [GeneratedRegex(@"^\d{5,15}$")]
    private static partial Regex ValidPattern();
}
