using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LiveMux.Rtsp.Client;

namespace LiveMux.Rtsp.Transport;

/// <summary>
/// rtsps:// (RFC 7826 section 19.2): TLS 1.2 or 1.3 around the RTSP connection, RTP interleaved inside it.
/// Certificate policy, per stream:
/// <code>
///   CertificateThumbprint set      -> only the certificate whose SHA-256 matches (name and chain not checked)
///   AllowSelfSignedCertificate     -> chain errors accepted (self-signed camera), the host name must still match
///   neither                        -> the system's normal validation
/// </code>
/// </summary>
internal static class RtspTls
{
    public static async Task<SslStream> AuthenticateAsync(
        Stream inner, string host, RtspUrl url, RtspClientOptions options, TimeProvider time, CancellationToken ct)
    {
        SslPolicyErrors? rejected = null;
        string? rejectedThumbprint = null;
        var pin = NormalizeThumbprint(options.CertificateThumbprint);
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var auth = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (Accept(certificate, errors, options.AllowSelfSignedCertificate, pin, out var thumbprint))
                {
                    return true;
                }
                rejected = errors;
                rejectedThumbprint = thumbprint;
                return false;
            },
        };
        using var timeout = new CancellationTokenSource(options.ConnectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            await ssl.AuthenticateAsClientAsync(auth, linked.Token);
            return ssl;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            await ssl.DisposeAsync();
            if (rejected is { } errors)
            {
                throw new RtspException(RtspErrorKind.CertificateRejected, DescribeRejection(url, errors, pin, rejectedThumbprint), e);
            }
            if (e is OperationCanceledException)
            {
                throw new RtspException(RtspErrorKind.ConnectTimeout,
                    $"{url}: TLS handshake did not finish within {options.ConnectTimeout.TotalSeconds:0.#} s", e);
            }
            throw new RtspException(RtspErrorKind.TlsFailed, $"{url}: TLS handshake failed: {e.Message}", e);
        }
    }

    internal static bool Accept(
        X509Certificate? certificate, SslPolicyErrors errors, bool allowSelfSigned, string? pin, out string? thumbprint)
    {
        thumbprint = certificate is null ? null : Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData()));
        if (pin is not null)
        {
            return thumbprint is not null && thumbprint == pin;
        }
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }
        return allowSelfSigned && errors == SslPolicyErrors.RemoteCertificateChainErrors;
    }

    /// <summary>Upper-case hex without separators (':' and spaces as printed by openssl are allowed), or null.</summary>
    internal static string? NormalizeThumbprint(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var hex = new string(text.Where(c => c is not (':' or ' ' or '-')).ToArray()).ToUpperInvariant();
        return hex;
    }

    public static bool IsValidThumbprint(string? text) =>
        NormalizeThumbprint(text) is { Length: 64 } hex && hex.All(char.IsAsciiHexDigit);

    private static string DescribeRejection(RtspUrl url, SslPolicyErrors errors, string? pin, string? thumbprint)
    {
        if (pin is not null)
        {
            return $"{url}: the camera's TLS certificate (SHA-256 {thumbprint ?? "none"}) is not the pinned CertificateThumbprint";
        }
        var why = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            why.Add("no certificate was sent");
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            why.Add("the certificate is for another host name");
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            why.Add("the certificate is not trusted (self-signed or unknown issuer; set AllowSelfSignedCertificate or CertificateThumbprint to accept it)");
        }
        return $"{url}: the camera's TLS certificate was rejected: {string.Join("; ", why)}";
    }
}
