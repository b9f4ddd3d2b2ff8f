using CabinetOps.Server.Infrastructure.Observability;

namespace CabinetOps.UnitTests.Infrastructure;

public sealed class RedactionRules
{
    [Theory]
    [InlineData("bound phone 13812345678 ok", "bound phone 138****5678 ok")]
    [InlineData("openid oUpF8uMuAJO_M2pxb1Q9zNjWeS6o logged in", "openid o*** logged in")]
    [InlineData("GET /sns/jscode2session?appid=wx1&secret=abc&js_code=xyz", "GET /sns/jscode2session?appid=wx1&secret=***&js_code=***")]
    [InlineData("Authorization: Bearer eyJhbGciOi.abc-def", "Authorization: Bearer ***")]
    [InlineData("{\"session_key\":\"k\",\"purePhoneNumber\":\"13800000000\"}", "{\"session_key\":\"***\",\"purePhoneNumber\":\"***\"}")]
    public void ScrubsPersonalDataAndSecrets(string input, string expected) => Assert.Equal(expected, Redaction.Redact(input));

    [Theory]
    [InlineData("order 20261125000123 charged 1500 fen")]
    [InlineData("device SZ001-D01 online")]
    public void LeavesOrdinaryTextAlone(string input) => Assert.Equal(input, Redaction.Redact(input));
}
