using QRCoder;

namespace CabinetOps.Server.Infrastructure.Http;

/// <summary>QR images for printing on stores and cabinets. Level M survives smudges on a sticker.</summary>
public static class QrCodes
{
    public static byte[] Png(string text, int pixelsPerModule = 10)
    {
        using var data = QRCodeGenerator.GenerateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(pixelsPerModule);
    }

    public static string Svg(string text)
    {
        using var data = QRCodeGenerator.GenerateQrCode(text, QRCodeGenerator.ECCLevel.M);
        // A viewBox (not fixed width/height) lets the printed sheet scale the code to any label size.
        return new SvgQRCode(data).GetGraphic(10, "#000000", "#ffffff", true, SvgQRCode.SizingMode.ViewBoxAttribute);
    }
}
