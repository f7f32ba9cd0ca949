using System.CommandLine;
using System.Text;
using Huilian.Core.Crypto;
using Huilian.Crypto;

namespace Huilian.Cli.Commands;

/// <summary>
/// <c>huilian crypto hash | sign | verify | keygen</c>: lets an integrator check vectors and signatures by hand.
/// Public keys are SEC1 uncompressed hex; signatures are r ‖ s hex; the message is the raw text or file bytes.
/// </summary>
internal static class CryptoCommands
{
    public static Command Create()
    {
        var command = new Command("crypto", "Hash, sign and verify with either crypto suite, by hand.");
        command.Subcommands.Add(Hash());
        command.Subcommands.Add(Sign());
        command.Subcommands.Add(Verify());
        command.Subcommands.Add(KeyGen());
        return command;
    }

    private static Option<string> SuiteOption()
    {
        var suite = new Option<string>("--suite") { Description = "intl (SHA-256, ECDSA P-256) or gm (SM3, SM2).", Required = true };
        suite.AcceptOnlyFromAmong("intl", "gm");
        return suite;
    }

    private static (Option<string?> Text, Option<string?> File) MessageOptions() =>
        (new Option<string?>("--text") { Description = "The message as UTF-8 text." }, new Option<string?>("--file") { Description = "The message as a file's bytes." });

    private static byte[] ReadMessage(ParseResult parse, Option<string?> text, Option<string?> file)
    {
        var fromText = parse.GetValue(text);
        var fromFile = parse.GetValue(file);
        if ((fromText is null) == (fromFile is null))
        {
            throw new CliException("Give exactly one of --text and --file.", 2);
        }
        return fromText is not null ? Encoding.UTF8.GetBytes(fromText) : File.ReadAllBytes(fromFile!);
    }

    private static Command Hash()
    {
        var suite = SuiteOption();
        var (text, file) = MessageOptions();
        var command = new Command("hash", "Print the suite's hash (SHA-256 or SM3) of the message, lowercase hex.") { suite, text, file };
        command.SetAction(parse => CommandSupport.Run(() =>
        {
            var message = ReadMessage(parse, text, file);
            Console.WriteLine(CryptoSuites.Get(parse.GetValue(suite)!).Hash.Hash(message));
            return Task.FromResult(0);
        }).GetAwaiter().GetResult());
        return command;
    }

    private static Command Sign()
    {
        var suite = SuiteOption();
        var (text, file) = MessageOptions();
        var key = new Option<string?>("--key") { Description = "A keystore file." };
        var privateKey = new Option<string?>("--private-key") { Description = "The private key as 64 hex (for test vectors only)." };
        var passwordFile = CommandSupport.PasswordFileOption();
        var directory = CommandSupport.DirectoryOption();
        var command = new Command("sign", "Sign the message; prints the signature as r‖s hex.") { suite, text, file, key, privateKey, passwordFile, directory };
        command.SetAction(parse => CommandSupport.Run(() =>
        {
            var suiteName = parse.GetValue(suite)!;
            var message = ReadMessage(parse, text, file);
            ISigningKey signingKey;
            if (parse.GetValue(privateKey) is { } hex)
            {
                signingKey = CryptoSuites.ImportKey(suiteName, Convert.FromHexString(hex));
            }
            else if (parse.GetValue(key) is { } path)
            {
                var keystore = Keystore.Load(path);
                if (keystore.Suite != suiteName)
                {
                    throw new CliException($"The keystore holds a {keystore.Suite} key, not {suiteName}.");
                }
                signingKey = keystore.Decrypt(new NetworkLayout(parse.GetValue(directory)!).ReadPassword(parse.GetValue(passwordFile)));
            }
            else
            {
                throw new CliException("Give --key KEYSTORE or --private-key HEX.", 2);
            }
            using (signingKey)
            {
                Console.WriteLine(Convert.ToHexStringLower(signingKey.Sign(message)));
                Console.Error.WriteLine($"public key {Convert.ToHexStringLower(signingKey.PublicKey)}");
            }
            return Task.FromResult(0);
        }).GetAwaiter().GetResult());
        return command;
    }

    private static Command Verify()
    {
        var suite = SuiteOption();
        var (text, file) = MessageOptions();
        var publicKey = new Option<string>("--public-key") { Description = "SEC1 uncompressed public key, hex (04‖X‖Y).", Required = true };
        var signature = new Option<string>("--signature") { Description = "The signature as r‖s hex.", Required = true };
        var command = new Command("verify", "Verify a signature; prints valid or invalid and exits 0 or 1.") { suite, text, file, publicKey, signature };
        command.SetAction(parse => CommandSupport.Run(() =>
        {
            var message = ReadMessage(parse, text, file);
            byte[] keyBytes;
            byte[] signatureBytes;
            try
            {
                keyBytes = Convert.FromHexString(parse.GetValue(publicKey)!);
                signatureBytes = Convert.FromHexString(parse.GetValue(signature)!);
            }
            catch (FormatException)
            {
                Console.WriteLine("invalid");
                Console.Error.WriteLine("The public key and the signature must be hexadecimal.");
                return Task.FromResult(1);
            }
            var valid = CryptoSuites.Get(parse.GetValue(suite)!).Signatures.Verify(keyBytes, message, signatureBytes);
            Console.WriteLine(valid ? "valid" : "invalid");
            return Task.FromResult(valid ? 0 : 1);
        }).GetAwaiter().GetResult());
        return command;
    }

    private static Command KeyGen()
    {
        var suite = SuiteOption();
        var output = new Option<string?>("--out") { Description = "Write an encrypted keystore here (password from HUILIAN_PASSWORD or --password-file)." };
        var passwordFile = CommandSupport.PasswordFileOption();
        var directory = CommandSupport.DirectoryOption();
        var command = new Command("keygen", "Generate a key pair; prints the public key.") { suite, output, passwordFile, directory };
        command.SetAction(parse => CommandSupport.Run(() =>
        {
            var suiteName = parse.GetValue(suite)!;
            using var key = CryptoSuites.GenerateKey(suiteName);
            if (parse.GetValue(output) is { } path)
            {
                var password = new NetworkLayout(parse.GetValue(directory)!).ReadPassword(parse.GetValue(passwordFile));
                Keystore.Encrypt(suiteName, key, password).Save(path);
                Console.Error.WriteLine($"Keystore written to {path}.");
            }
            Console.WriteLine(Convert.ToHexStringLower(key.PublicKey));
            return Task.FromResult(0);
        }).GetAwaiter().GetResult());
        return command;
    }
}
