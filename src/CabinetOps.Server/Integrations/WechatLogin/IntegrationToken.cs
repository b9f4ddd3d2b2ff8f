using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CabinetOps.Server.Integrations.WechatLogin;

/// <summary>
/// A credential another system issued to us (the WeChat access token). WeChat wants one central
/// token holder (miniprogram-login.md §2): keeping it in the database lets every node share it.
/// The value is encrypted like personal data.
/// </summary>
public sealed class IntegrationToken
{
    public required string Name { get; set; }
    public required string ProtectedValue { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class IntegrationTokenConfiguration : IEntityTypeConfiguration<IntegrationToken>
{
    public void Configure(EntityTypeBuilder<IntegrationToken> b)
    {
        b.ToTable("integration_tokens");
        b.HasKey(x => x.Name);
        b.Property(x => x.Name).HasMaxLength(60);
        b.Property(x => x.ProtectedValue).HasMaxLength(2000);
    }
}
