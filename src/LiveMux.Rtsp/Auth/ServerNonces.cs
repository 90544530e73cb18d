using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace LiveMux.Rtsp.Auth;

internal enum NonceStatus
{
    Invalid,
    Valid,
    Expired,
}

/// <summary>
/// Stateless Digest nonces (RFC 7616 section 3.3): the time they were made and a MAC of it under a key that lives
/// as long as the server, so checking one needs no table a flood of challenges could fill.
/// <code>
///   nonce = base64url( issued, unix ms, 8 bytes BE | HMAC-SHA256(key, issued)[0..16] )
/// </code>
/// </summary>
public sealed class ServerNonces(TimeProvider time, TimeSpan lifetime)
{
    private const int TimeBytes = 8;
    private const int MacBytes = 16;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string Create()
    {
        Span<byte> raw = stackalloc byte[TimeBytes + MacBytes];
        BinaryPrimitives.WriteInt64BigEndian(raw, time.GetUtcNow().ToUnixTimeMilliseconds());
        Mac(raw[..TimeBytes], raw[TimeBytes..]);
        return Base64Url.EncodeToString(raw);
    }

    internal NonceStatus Check(string nonce)
    {
        Span<byte> raw = stackalloc byte[TimeBytes + MacBytes];
        if (nonce.Length > 64 || !Base64Url.TryDecodeFromChars(nonce, raw, out var written) || written != raw.Length)
        {
            return NonceStatus.Invalid;
        }

        Span<byte> mac = stackalloc byte[MacBytes];
        Mac(raw[..TimeBytes], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, raw[TimeBytes..]))
        {
            return NonceStatus.Invalid;
        }

        var issued = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(raw));
        var age = time.GetUtcNow() - issued;
        return age < TimeSpan.Zero || age > lifetime ? NonceStatus.Expired : NonceStatus.Valid;
    }

    private void Mac(ReadOnlySpan<byte> issued, Span<byte> into)
    {
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, issued, full);
        full[..MacBytes].CopyTo(into);
    }
}
