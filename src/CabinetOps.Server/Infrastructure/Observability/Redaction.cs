using System.Text.RegularExpressions;

namespace CabinetOps.Server.Infrastructure.Observability;

/// <summary>
/// Scrubs personal data and secrets from text bound for the logs: mainland phone numbers (kept as
/// 138****0000), WeChat openids, bearer tokens, and secret-looking query or JSON fields
/// (DESIGN §3: logs never contain a full phone number, openid, token or key).
/// </summary>
public static partial class Redaction
{
    public static string Redact(string text)
    {
        if (string.IsNullOrEmpty(text))
            return text;
        var result = BearerToken().Replace(text, "Bearer ***");
        result = SecretQueryField().Replace(result, "${name}=***");
        result = SecretJsonField().Replace(result, "\"${name}\":\"***\"");
        result = OpenId().Replace(result, "o***");
        result = MainlandPhone().Replace(result, m => $"{m.Value[..3]}****{m.Value[^4..]}");
        return result;
    }

    [GeneratedRegex(@"Bearer\s+[A-Za-z0-9._~+/=-]+", RegexOptions.IgnoreCase)]
    private static partial Regex BearerToken();

    [GeneratedRegex(@"(?<name>secret|js_code|access_token|session_key|code|token|password|key|openid)=(?<value>[^&\s""']+)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretQueryField();

    [GeneratedRegex(@"""(?<name>openid|unionid|session_key|access_token|token|secret|phoneNumber|purePhoneNumber|phone|code|password)""\s*:\s*""[^""]*""", RegexOptions.IgnoreCase)]
    private static partial Regex SecretJsonField();

    // WeChat openids are 28 characters starting with 'o' (e.g. oUpF8uMuAJO_M2pxb1Q9zNjWeS6o).
    [GeneratedRegex(@"(?<![A-Za-z0-9_-])o[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])")]
    private static partial Regex OpenId();

    [GeneratedRegex(@"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")]
    private static partial Regex MainlandPhone();
}
