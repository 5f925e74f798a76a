using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

namespace Registry.Server.Hooks;

/// <summary>
/// Encrypts the Data Protection keys stored in the database with AES-256-GCM under a key derived from
/// <see cref="HookOptions.KeyRingSecret"/>, so a copy of the database alone does not reveal hook secrets.
/// </summary>
public sealed class KeyRingEncryptor(IOptions<HookOptions> options) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(KeyRingDecryptor.Key(options.Value), 16)) aes.Encrypt(nonce, plain, cipher, tag);
        var element = new XElement("encryptedKey", new XElement("value", Convert.ToBase64String([.. nonce, .. tag, .. cipher])));
        return new EncryptedXmlInfo(element, typeof(KeyRingDecryptor));
    }
}

/// <summary>Reads what <see cref="KeyRingEncryptor"/> wrote; Data Protection creates it by type name with the services.</summary>
public sealed class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var all = Convert.FromBase64String(encryptedElement.Element("value")!.Value);
        var plain = new byte[all.Length - 28];
        using (var aes = new AesGcm(Key(services.GetRequiredService<IOptions<HookOptions>>().Value), 16))
            aes.Decrypt(all.AsSpan(0, 12), all.AsSpan(28), all.AsSpan(12, 16), plain);
        return XElement.Parse(Encoding.UTF8.GetString(plain));
    }

    internal static byte[] Key(HookOptions options) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(options.KeyRingSecret ?? throw new InvalidOperationException(
            $"{HookOptions.Section}:KeyRingSecret is needed to read the Data Protection key ring, which was encrypted with it")));
}
