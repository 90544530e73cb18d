using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LiveMux.Rtsp.Transport;

namespace LiveMux.Rtsp.Tests.Transport;

public sealed class RtspTlsTests
{
    private static readonly X509Certificate2 s_cert = CreateCert();

    private static X509Certificate2 CreateCert()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=cam", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static string Thumbprint => Convert.ToHexString(SHA256.HashData(s_cert.RawData));

    // errors, allow self-signed, pin ("right"/"wrong"/null) -> accepted
    [Theory]
    [InlineData(SslPolicyErrors.None, false, null, true)]
    [InlineData(SslPolicyErrors.RemoteCertificateChainErrors, false, null, false)]
    [InlineData(SslPolicyErrors.RemoteCertificateChainErrors, true, null, true)]
    [InlineData(SslPolicyErrors.RemoteCertificateNameMismatch, true, null, false)]
    [InlineData(SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch, true, null, false)]
    [InlineData(SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch, false, "right", true)]
    [InlineData(SslPolicyErrors.None, true, "wrong", false)]
    public void Certificate_policy(SslPolicyErrors errors, bool allowSelfSigned, string? pin, bool accepted)
    {
        var pinned = pin switch
        {
            "right" => RtspTls.NormalizeThumbprint(string.Join(':', Thumbprint.Chunk(2).Select(c => new string(c))).ToLowerInvariant()),
            "wrong" => new string('0', 64),
            _ => null,
        };
        Assert.Equal(accepted, RtspTls.Accept(s_cert, errors, allowSelfSigned, pinned, out var thumbprint));
        Assert.Equal(Thumbprint, thumbprint);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("abc", false)]
    [InlineData("zz" + "00000000000000000000000000000000000000000000000000000000000000", false)]
    [InlineData("00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff", true)]
    [InlineData("00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF", true)]
    public void Thumbprint_syntax(string? text, bool valid) => Assert.Equal(valid, RtspTls.IsValidThumbprint(text));
}
