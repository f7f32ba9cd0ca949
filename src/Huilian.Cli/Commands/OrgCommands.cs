using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Huilian.Core;
using Huilian.Core.Genesis;
using Huilian.Crypto;
using Spectre.Console;

namespace Huilian.Cli.Commands;

/// <summary>
/// <c>huilian org</c>: an organisation's own administration. Offline: create a CA and data key for a new member, issue
/// certificates for users and nodes with the organisation's CA. On the chain (signed by the organisation's admin):
/// register users, change their roles, suspend and reinstate them, revoke and add (rotate) certificates, register
/// nodes. Listings: the member organisations (signed in), and the users of the demo consortium or of the chain.
/// </summary>
internal static class OrgCommands
{
    public static Command Create()
    {
        var command = new Command("org", "Administer an organisation: its CA, certificates, users and nodes; list members and users.");
        command.Subcommands.Add(new Command("ca", "An organisation's certificate authority.") { CaInit() });
        command.Subcommands.Add(new Command("user", "Issue certificates for users and manage the organisation's users on the chain.")
        {
            Issue("user"), RegisterUser(), SetRoles(), Suspend("suspend", suspend: true), Suspend("reinstate", suspend: false),
        });
        command.Subcommands.Add(new Command("cert", "Revoke a certificate, or add one to a user (key rotation).") { RevokeCertificate(), AddCertificate() });
        command.Subcommands.Add(new Command("node", "Issue and register node identity certificates.") { Issue("node"), RegisterNode() });
        command.Subcommands.Add(List());
        command.Subcommands.Add(Users());
        return command;
    }

    private static Command CaInit()
    {
        var directory = CommandSupport.DirectoryOption();
        var passwordFile = CommandSupport.PasswordFileOption();
        var id = new Option<string>("--id") { Description = "The organisation's identifier (a-z, 0-9, '.', '_', '-'), e.g. bank-c.", Required = true };
        var name = new Option<string>("--name") { Description = "The organisation's name (1 to 128 characters).", Required = true };
        var kind = new Option<string>("--kind") { Description = "The organisation's kind: " + string.Join(", ", OrganisationKinds.All) + ".", Required = true };
        kind.AcceptOnlyFromAmong([.. OrganisationKinds.All]);
        var suite = new Option<string?>("--suite") { Description = "intl or gm (default: the suite of the network in --dir, else intl)." };
        suite.AcceptOnlyFromAmong("intl", "gm");
        var output = new Option<string?>("--out") { Description = "Where to write ca.key, ca.pem and data.key (default: DIR/orgs/<id>)." };
        var years = new Option<int>("--years") { Description = "How long the CA certificate is valid, in years.", DefaultValueFactory = _ => 20 };
        var command = new Command("init",
            "Create a new organisation's CA key, self-signed CA certificate and data-encryption key (keystores encrypted with the password); "
            + "prints the CA certificate's SHA-256 fingerprint and the data key's public key, which a genesis or an admit-organisation proposal names.")
        {
            id, name, kind, suite, output, years, directory, passwordFile,
        };
        command.SetAction(parse => CommandSupport.Run(() =>
        {
            var layout = new NetworkLayout(parse.GetValue(directory)!);
            var organisation = parse.GetValue(id)!;
            var displayName = parse.GetValue(name)!;
            if (!Identifier.IsValid(organisation, 64))
            {
                throw new CliException($"'{organisation}' is not an identifier: a-z first, then a-z, 0-9, '.', '_' or '-', at most 64 characters.", 2);
            }
            if (displayName.Length is 0 or > 128)
            {
                throw new CliException("An organisation's name is 1 to 128 characters.", 2);
            }
            if (parse.GetValue(years) is < 1 or > 100)
            {
                throw new CliException("--years is 1 to 100.", 2);
            }
            var folder = Path.GetFullPath(parse.GetValue(output) ?? layout.OrganisationDirectory(organisation));
            var paths = new[] { "ca.key", "ca.pem", "data.key" }.Select(file => Path.Combine(folder, file)).ToArray();
            if (paths.FirstOrDefault(File.Exists) is { } existing)
            {
                throw new CliException($"{existing} already exists; an organisation's CA is created once. Choose another --out.");
            }
            var suiteName = parse.GetValue(suite) ?? (layout.Exists ? layout.LoadGenesis().Suite : "intl");
            var password = layout.ReadPassword(parse.GetValue(passwordFile));
            var credentials = OrganisationCredentials.Create(suiteName, organisation, displayName, parse.GetValue(kind)!, DateTimeOffset.UtcNow.AddMinutes(-5), parse.GetValue(years));
            using (credentials.CaKey)
            using (credentials.EncryptionKey)
            {
                Directory.CreateDirectory(folder);
                Keystore.Encrypt(suiteName, credentials.CaKey, password).Save(paths[0]);
                File.WriteAllText(paths[1], CertificateAuthority.ToPem(credentials.CaCertificate));
                Keystore.Encrypt(suiteName, credentials.EncryptionKey, password).Save(paths[2]);
                var dataKey = Convert.ToHexStringLower(credentials.EncryptionKey.PublicKey);
                Console.WriteLine($"Created the CA of {credentials.Kind} '{organisation}' ({displayName}), suite {suiteName}, in {folder}");
                Console.WriteLine($"  ca.key       {paths[0]}");
                Console.WriteLine($"  ca.pem       {paths[1]}");
                Console.WriteLine($"  data.key     {paths[2]}");
                Console.WriteLine($"  fingerprint  SHA-256 {Fingerprint(credentials.CaCertificate)}");
                Console.WriteLine($"  data key     {dataKey}");
                Console.WriteLine("Next: issue its first admin's certificate, then ask the members to admit it:");
                var caDirectory = parse.GetValue(output) is null ? "" : " --ca-dir " + folder;
                Console.WriteLine($"  huilian org user issue --org {organisation} --name admin{caDirectory}");
                Console.WriteLine($"  huilian gov propose admit-organisation --id {organisation} --name \"{displayName}\" --kind {credentials.Kind} --ca {paths[1]} --data-key {dataKey} --admin admin=<admin.pem>");
            }
            return Task.FromResult(0);
        }).GetAwaiter().GetResult());
        return command;
    }

    /// <summary><c>org user issue</c> and <c>org node issue</c>: a certificate CN=name, O=org from the organisation's CA.</summary>
    private static Command Issue(string holder)
    {
        var directory = CommandSupport.DirectoryOption();
        var passwordFile = CommandSupport.PasswordFileOption();
        var organisation = new Option<string>("--org") { Description = "The organisation whose CA issues the certificate.", Required = true };
        var name = new Option<string>("--name") { Description = $"The {holder}'s name: the certificate's CN (a-z, 0-9, '.', '_', '-').", Required = true };
        var roles = new Option<string[]>("--role") { Description = "Roles to register the user with later (printed in the next step's command; repeatable)." };
        var days = new Option<int>("--days") { Description = "How long the certificate is valid, in days.", DefaultValueFactory = _ => 365 };
        var output = new Option<string?>("--out") { Description = $"Where to write <name>.key and <name>.pem (default: DIR/keys/<org>, where --as <org>/<name> finds them)." };
        var caDirectory = new Option<string?>("--ca-dir") { Description = "The folder holding the CA's ca.key and ca.pem (default: DIR/orgs/<org>)." };
        var publicKey = new Option<string?>("--public-key") { Description = "Issue for this existing public key (SEC1 uncompressed hex) instead of a new key; no key file is written." };
        var suite = new Option<string?>("--suite") { Description = "intl or gm (default: the suite of the network in --dir, else the CA key's)." };
        suite.AcceptOnlyFromAmong("intl", "gm");
        var command = new Command("issue", holder == "user"
            ? "Generate a user key (keystore) and a certificate CN=<name>, O=<org> issued by the organisation's CA; prints the key id the chain will know it by."
            : "Generate a node identity key (keystore) and a certificate CN=<name>, O=<org> issued by the organisation's CA; prints its key id.")
        {
            organisation, name, days, output, caDirectory, publicKey, suite, directory, passwordFile,
        };
        if (holder == "user")
        {
            command.Options.Add(roles);
        }
        command.SetAction(parse => CommandSupport.Run(() =>
        {
            var layout = new NetworkLayout(parse.GetValue(directory)!);
            var org = parse.GetValue(organisation)!;
            var holderName = parse.GetValue(name)!;
            if (!Identifier.IsValid(holderName, 64))
            {
                throw new CliException($"'{holderName}' is not an identifier: a-z first, then a-z, 0-9, '.', '_' or '-', at most 64 characters.", 2);
            }
            if (parse.GetValue(days) is < 1 or > 36_600)
            {
                throw new CliException("--days is 1 to 36600.", 2);
            }
            var caFolder = parse.GetValue(caDirectory) ?? layout.OrganisationDirectory(org);
            var caKeyPath = Path.Combine(caFolder, "ca.key");
            var caPemPath = Path.Combine(caFolder, "ca.pem");
            if (!File.Exists(caKeyPath) || !File.Exists(caPemPath))
            {
                throw new CliException($"No CA of '{org}' at {caFolder} (ca.key and ca.pem); pass --ca-dir, or create one with `huilian org ca init`.");
            }
            var caStore = Keystore.Load(caKeyPath);
            var suiteName = parse.GetValue(suite) ?? (layout.Exists ? layout.LoadGenesis().Suite : caStore.Suite);
            if (caStore.Suite != suiteName)
            {
                throw new CliException($"The CA key at {caKeyPath} is a '{caStore.Suite}' key; the certificate is for suite '{suiteName}'.");
            }
            var crypto = CryptoSuites.Get(suiteName);
            var folder = Path.GetFullPath(parse.GetValue(output) ?? Path.Combine(layout.Directory, "keys", org));
            var keyPath = Path.Combine(folder, holderName + ".key");
            var pemPath = Path.Combine(folder, holderName + ".pem");
            var given = parse.GetValue(publicKey);
            foreach (var path in given is null ? new[] { keyPath, pemPath } : [pemPath])
            {
                if (File.Exists(path))
                {
                    throw new CliException($"{path} already exists; choose another --name or --out.");
                }
            }
            using var generated = given is null ? CryptoSuites.GenerateKey(suiteName) : null;
            var subjectKey = generated?.PublicKey ?? ParsePublicKey(crypto, given!);
            var password = layout.ReadPassword(parse.GetValue(passwordFile));
            using var caKey = caStore.Decrypt(password);
            var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
            var notAfter = DateTimeOffset.UtcNow.AddDays(parse.GetValue(days));
            byte[] certificate;
            try
            {
                certificate = CertificateAuthority.Issue(suiteName, caKey, CertificateAuthority.FromPem(File.ReadAllText(caPemPath)), subjectKey, holderName, org, notBefore, notAfter);
            }
            catch (ArgumentException exception)
            {
                throw new CliException("The certificate cannot be issued: " + exception.Message);
            }
            Directory.CreateDirectory(folder);
            if (generated is not null)
            {
                Keystore.Encrypt(suiteName, generated, password).Save(keyPath);
            }
            File.WriteAllText(pemPath, CertificateAuthority.ToPem(certificate));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Issued a {suiteName} certificate CN={holderName}, O={org}, valid until {notAfter.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}."));
            if (generated is not null)
            {
                Console.WriteLine($"  key          {keyPath}");
            }
            Console.WriteLine($"  certificate  {pemPath}");
            Console.WriteLine($"  keyId        {crypto.Hash.Hash(subjectKey)}");
            if (holder == "user")
            {
                var roleArguments = string.Concat((parse.GetValue(roles) ?? []).Select(role => " --role " + role));
                Console.WriteLine($"Register it: huilian org user register --name {holderName} --certificate {pemPath}{(roleArguments.Length == 0 ? " --role <role>" : roleArguments)} --as {org}/admin");
            }
            else
            {
                Console.WriteLine($"Register it: huilian org node register --name {holderName} --certificate {pemPath} --as {org}/<node-operator>");
            }
            return Task.FromResult(0);
        }).GetAwaiter().GetResult());
        return command;
    }

    private static byte[] ParsePublicKey(Core.Crypto.ICryptoSuite crypto, string hex)
    {
        byte[] key;
        try
        {
            key = Convert.FromHexString(hex.Trim());
        }
        catch (FormatException)
        {
            throw new CliException("--public-key is hexadecimal (SEC1 uncompressed, 130 hex digits starting 04).", 2);
        }
        if (!crypto.Signatures.IsValidPublicKey(key))
        {
            throw new CliException($"--public-key is not a {crypto.Signatures.Name} public key of this suite.", 2);
        }
        return key;
    }

    private static Option<string> CertificateOption(string description) =>
        new("--certificate") { Description = description, Required = true };

    /// <summary>The certificate in a PEM file, as base64 DER for a payload.</summary>
    private static string ReadCertificate(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"No certificate file at {path}.");
        }
        return Convert.ToBase64String(CertificateAuthority.FromPem(File.ReadAllText(path)));
    }

    private static Option<string[]> RolesOption(bool required) => new("--role")
    {
        Description = "A role (repeatable), e.g. financing-review-clerk; `huilian whoami` and GET /v1/roles list the catalogue.",
        Required = required,
    };

    private static Command RegisterUser()
    {
        var member = new MemberOptions();
        var name = new Option<string>("--name") { Description = "The user's name (the certificate's CN).", Required = true };
        var certificate = CertificateOption("The user's certificate (PEM), issued by the organisation's CA, e.g. by `huilian org user issue`.");
        var roles = RolesOption(required: true);
        var command = member.AddTo(new Command("register",
            "Register a user of the signer's organisation with its certificate and roles (membership.register-user, signed by an organisation admin); waits for the receipt.")
        {
            name, certificate, roles,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var payload = new JsonObject
            {
                ["name"] = parse.GetValue(name),
                ["certificate"] = ReadCertificate(parse.GetValue(certificate)!),
                ["roles"] = StringArray(parse.GetValue(roles)!),
            };
            if (await member.Submit(parse, "membership", "register-user", payload, cancellationToken) is { } result)
            {
                Console.WriteLine($"Registered {result.GetProperty("user").GetString()} with role(s) {string.Join(", ", parse.GetValue(roles)!)}; keyId {result.GetProperty("keyId").GetString()}.");
            }
            return 0;
        }));
        return command;
    }

    private static Command SetRoles()
    {
        var member = new MemberOptions();
        var name = new Option<string>("--name") { Description = "The user's name.", Required = true };
        var roles = RolesOption(required: false);
        var command = member.AddTo(new Command("roles", "Replace the roles of a user of the signer's organisation (membership.set-roles); no --role removes them all.") { name, roles });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var payload = new JsonObject { ["user"] = parse.GetValue(name), ["roles"] = StringArray(parse.GetValue(roles) ?? []) };
            if (await member.Submit(parse, "membership", "set-roles", payload, cancellationToken) is { } result)
            {
                var held = result.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ToArray();
                Console.WriteLine($"{result.GetProperty("user").GetString()} now holds {(held.Length == 0 ? "no role" : string.Join(", ", held))}.");
            }
            return 0;
        }));
        return command;
    }

    private static Command Suspend(string verb, bool suspend)
    {
        var member = new MemberOptions();
        var name = new Option<string>("--name") { Description = "The user's name.", Required = true };
        var command = member.AddTo(new Command(verb, suspend
            ? "Suspend a user of the signer's organisation: it can neither sign nor sign in until reinstated (membership.suspend-user)."
            : "Reinstate a suspended user of the signer's organisation (membership.reinstate-user).")
        {
            name,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            if (await member.Submit(parse, "membership", suspend ? "suspend-user" : "reinstate-user", new JsonObject { ["user"] = parse.GetValue(name) }, cancellationToken) is { } result)
            {
                Console.WriteLine($"{(suspend ? "Suspended" : "Reinstated")} {result.GetProperty("user").GetString()}.");
            }
            return 0;
        }));
        return command;
    }

    private static Command RevokeCertificate()
    {
        var member = new MemberOptions();
        var keyId = new Option<string>("--key-id") { Description = "The certificate's key id (64 hex: the suite hash of its public key, as `org user issue` prints).", Required = true };
        var command = member.AddTo(new Command("revoke", "Revoke a certificate of the signer's organisation; it stops signing from the next block (membership.revoke-certificate).") { keyId });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var id = parse.GetValue(keyId)!.Trim().ToLowerInvariant();
            if (!Hash32.TryParse(id, out _))
            {
                throw new CliException("--key-id is 64 hexadecimal characters.", 2);
            }
            if (await member.Submit(parse, "membership", "revoke-certificate", new JsonObject { ["keyId"] = id }, cancellationToken) is { } result)
            {
                Console.WriteLine($"Revoked the certificate of {result.GetProperty("holder").GetString()} at height {result.GetProperty("revokedAt")}; it cannot sign from height {result.GetProperty("effectiveFromHeight")}.");
            }
            return 0;
        }));
        return command;
    }

    private static Command AddCertificate()
    {
        var member = new MemberOptions();
        var user = new Option<string>("--user") { Description = "The user's name.", Required = true };
        var certificate = CertificateOption("The new certificate (PEM) for the same user, from the organisation's CA.");
        var command = member.AddTo(new Command("add",
            "Add a certificate to a user (key rotation): old and new both sign until the old expires or is revoked (membership.add-certificate).")
        {
            user, certificate,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var payload = new JsonObject { ["user"] = parse.GetValue(user), ["certificate"] = ReadCertificate(parse.GetValue(certificate)!) };
            if (await member.Submit(parse, "membership", "add-certificate", payload, cancellationToken) is { } result)
            {
                Console.WriteLine($"Added keyId {result.GetProperty("keyId").GetString()} to {result.GetProperty("user").GetString()} ({result.GetProperty("certificates")} valid certificate(s)).");
            }
            return 0;
        }));
        return command;
    }

    private static Command RegisterNode()
    {
        var member = new MemberOptions();
        var name = new Option<string>("--name") { Description = "The node's name (the certificate's CN).", Required = true };
        var certificate = CertificateOption("The node's certificate (PEM), e.g. from `huilian org node issue`.");
        var command = member.AddTo(new Command("register",
            "Register a node identity certificate of the signer's organisation (membership.register-node; needs the role node-operator, e.g. --as regulator/operator).")
        {
            name, certificate,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var payload = new JsonObject { ["name"] = parse.GetValue(name), ["certificate"] = ReadCertificate(parse.GetValue(certificate)!) };
            if (await member.Submit(parse, "membership", "register-node", payload, cancellationToken) is { } result)
            {
                Console.WriteLine($"Registered node {result.GetProperty("node").GetString()}; keyId {result.GetProperty("keyId").GetString()}.");
            }
            return 0;
        }));
        return command;
    }

    private static Command List()
    {
        var member = new MemberOptions();
        var json = CommandSupport.JsonOption();
        var command = member.AddTo(new Command("list", "List the member organisations: id, name, kind, status and number of users (signs in).") { json });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var (client, _) = await member.SignIn(parse, cancellationToken);
            using (client)
            {
                var body = await client.GetJson("/v1/organisations", cancellationToken);
                if (parse.GetValue(json))
                {
                    MemberOptions.PrintJson(body);
                    return 0;
                }
                var table = new Table().AddColumns("id", "name", "kind", "status", "users");
                foreach (var organisation in body.GetProperty("organisations").EnumerateArray())
                {
                    var status = organisation.GetProperty("status").GetString()!;
                    table.AddRow(Markup.Escape(organisation.GetProperty("id").GetString()!), Markup.Escape(organisation.GetProperty("name").GetString()!),
                        organisation.GetProperty("kind").GetString()!, status == "active" ? "[green]active[/]" : $"[red]{Markup.Escape(status)}[/]",
                        organisation.GetProperty("users").ToString());
                }
                MemberOptions.Write(table);
                Console.WriteLine($"At height {body.GetProperty("height")}.");
                return 0;
            }
        }));
        return command;
    }

    private static Command Users()
    {
        var member = new MemberOptions();
        var organisation = new Option<string?>("--org") { Description = "Only this organisation." };
        var live = new Option<bool>("--live") { Description = "Ask the node (signs in) instead of reading the network directory: the users, roles and certificates on the chain of every organisation the caller may see." };
        var json = CommandSupport.JsonOption();
        var command = member.AddTo(new Command("users",
            "List users and their roles. By default from the network directory's consortium.json (the demo consortium `huilian up` and `huilian init` create, with each user's key path; no node needed).")
        {
            organisation, live, json,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            if (parse.GetValue(live))
            {
                return await LiveUsers(member, parse, parse.GetValue(organisation), parse.GetValue(json), cancellationToken);
            }
            var layout = member.Layout(parse);
            var manifest = layout.LoadConsortium();
            var only = parse.GetValue(organisation);
            var organisations = manifest.Organisations.Where(o => only is null || o.Id == only).ToArray();
            if (organisations.Length == 0)
            {
                throw new CliException($"No organisation '{only}' in {layout.ConsortiumPath}.");
            }
            if (parse.GetValue(json))
            {
                MemberOptions.PrintJson(JsonSerializer.SerializeToElement(new ConsortiumManifest(organisations), CliJsonContext.Default.ConsortiumManifest));
                return 0;
            }
            var userWidth = organisations.SelectMany(o => o.Users).Max(u => u.Name.Length);
            var rolesWidth = organisations.SelectMany(o => o.Users).Max(u => string.Join(", ", u.Roles).Length);
            foreach (var entry in organisations)
            {
                Console.WriteLine($"{entry.Id}  {entry.Name} ({entry.Kind}), served by {entry.Node}");
                foreach (var user in entry.Users)
                {
                    Console.WriteLine($"  {user.Name.PadRight(userWidth)}  {string.Join(", ", user.Roles).PadRight(rolesWidth)}  {user.Key}");
                }
            }
            Console.WriteLine($"Keys are relative to {layout.Directory}; act as a user with --as <organisation>/<user>, e.g. --as bank-a/reviewer.");
            return 0;
        }));
        return command;
    }

    private static async Task<int> LiveUsers(MemberOptions member, ParseResult parse, string? only, bool json, CancellationToken cancellationToken)
    {
        var (client, _) = await member.SignIn(parse, cancellationToken);
        using (client)
        {
            var me = await client.GetJson("/v1/me", cancellationToken);
            var own = me.GetProperty("organisation").GetProperty("id").GetString()!;
            var regulator = me.GetProperty("organisation").GetProperty("kind").GetString() == OrganisationKinds.Regulator;
            // The regulator sees every organisation's users, an admin its own organisation's.
            var ids = only is not null ? [only]
                : regulator ? (await client.GetJson("/v1/organisations", cancellationToken)).GetProperty("organisations").EnumerateArray().Select(o => o.GetProperty("id").GetString()!).ToArray()
                : new[] { own };
            var listings = new List<JsonElement>();
            foreach (var id in ids)
            {
                listings.Add(await client.GetJson("/v1/organisations/" + Uri.EscapeDataString(id) + "/users", cancellationToken));
            }
            if (json)
            {
                MemberOptions.PrintJson(JsonSerializer.SerializeToElement(listings));
                return 0;
            }
            var table = new Table().AddColumns("user", "roles", "status", "certificates");
            foreach (var listing in listings)
            {
                var organisation = listing.GetProperty("organisation").GetString()!;
                foreach (var user in listing.GetProperty("users").EnumerateArray())
                {
                    var certificates = user.GetProperty("certificates").EnumerateArray()
                        .Select(c => $"{c.GetProperty("keyId").GetString()![..16]}… {c.GetProperty("status").GetString()}");
                    table.AddRow(Markup.Escape(organisation + "/" + user.GetProperty("name").GetString()),
                        Markup.Escape(string.Join(", ", user.GetProperty("roles").EnumerateArray().Select(r => r.GetString()))),
                        user.GetProperty("status").GetString()!, Markup.Escape(string.Join("\n", certificates)));
                }
            }
            MemberOptions.Write(table);
            return 0;
        }
    }

    internal static JsonArray StringArray(IEnumerable<string> values) => new([.. values.Select(value => (JsonNode?)value)]);

    /// <summary>SHA-256 of the DER, as colon-separated hex pairs (the form openssl prints).</summary>
    internal static string Fingerprint(byte[] der) => string.Join(':', SHA256.HashData(der).Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));
}
