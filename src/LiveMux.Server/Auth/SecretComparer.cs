using System.Security.Cryptography;
using System.Text;

namespace LiveMux.Server.Auth;

/// <summary>
/// Compares a presented secret with the configured one in time that depends on neither. Hashing first makes
/// both sides the same length, so the comparison does not reveal the secret's length either.
/// </summary>
internal static class SecretComparer
{
    public static bool Equal(string presented, string expected)
    {
        Span<byte> a = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> b = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
