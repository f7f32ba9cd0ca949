using System.Text.Json;
using Huilian.Core;
using Huilian.Core.Codec;
using Huilian.Core.Genesis;
using Huilian.Core.State;
using Huilian.Execution.Host;

namespace Huilian.Execution.Modules.Accounts;

/// <summary>A known signer: its name, key and roles. Keyed by the hash of its public key.</summary>
public sealed record AccountRecord(string Name, byte[] PublicKey, IReadOnlyList<string> Roles, bool Disabled, ulong RegisteredAt)
{
    public const byte FormatVersion = 1;
    public const int RolesMax = 64;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(160);
        writer.WriteU8(FormatVersion);
        writer.WriteString(Name);
        writer.WriteBytes(PublicKey);
        writer.WriteCount(Roles.Count);
        foreach (var role in Roles)
        {
            writer.WriteString(role);
        }
        writer.WriteBool(Disabled);
        writer.WriteU64(RegisteredAt);
        return writer.ToArray();
    }

    public static AccountRecord Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown account record format.");
        }
        var name = reader.ReadString(64, "name");
        var publicKey = reader.ReadBytesArray(Limits.PublicKeyLengthMax, "publicKey");
        var count = reader.ReadCount(RolesMax, "roles");
        var roles = new string[count];
        for (var i = 0; i < count; i++)
        {
            roles[i] = reader.ReadString(64, "role");
        }
        var record = new AccountRecord(name, publicKey, roles, reader.ReadBool(), reader.ReadU64());
        reader.End();
        return record;
    }

    public bool HasRole(string role)
    {
        foreach (var held in Roles)
        {
            if (held == role)
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>
/// The foundation's membership: accounts from genesis, registered or disabled later by an account holding the
/// "admin" role. Replaced by organisations and certificates in the membership work.
/// </summary>
public sealed class AccountsModule : IModule
{
    public const string ModuleName = "accounts";
    public const string AdminRole = "admin";

    public string Name => ModuleName;

    public static byte[] Key(in Hash32 accountId) => StateKeys.For(ModuleName, accountId);

    public static AccountRecord? Read(IStateReader state, in Hash32 accountId)
    {
        var value = state.Get(Key(accountId));
        return value is null ? null : Decoded.GetValue(value, static bytes => AccountRecord.Decode(bytes));
    }

    /// <summary>
    /// Decoded records by the identity of their stored bytes. State values are immutable arrays, so the same array
    /// always decodes to the same record; caching by identity saves a decode per transaction and cannot change an
    /// outcome.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<byte[], AccountRecord> Decoded = new();

    public void InitGenesis(GenesisDocument genesis, GenesisWriter writer)
    {
        foreach (var account in genesis.Accounts)
        {
            var publicKey = Convert.FromHexString(account.PublicKey);
            writer.Set(Key(writer.Hash.Hash(publicKey)), new AccountRecord(account.Name, publicKey, account.Roles.ToArray(), false, 0).Encode());
        }
    }

    public void Register(ActionRegistry registry)
    {
        registry.Add("register", AdminRole, "Registers a signer with a name and roles.", ParseRegister, ExecuteRegister);
        registry.Add("disable", AdminRole, "Disables a signer: its transactions are refused from the next block.", ParseDisable, ExecuteDisable);
    }

    private sealed record RegisterRequest(string Name, byte[] PublicKey, IReadOnlyList<string> Roles);

    private sealed record DisableRequest(Hash32 AccountId);

    private static RegisterRequest ParseRegister(PayloadReader payload)
    {
        var name = payload.RequiredString("name", 64);
        var publicKey = payload.RequiredHex("publicKey", Limits.PublicKeyLengthMax);
        if (publicKey.Length != 65 || publicKey[0] != 0x04)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, "Field 'publicKey' must be an uncompressed public key (65 bytes, starting 04).");
        }
        var roles = payload.RequiredStringList("roles", AccountRecord.RolesMax, 64);
        foreach (var role in roles)
        {
            if (!Identifier.IsValid(role, 64))
            {
                throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Role '{role}' is not a valid identifier.");
            }
        }
        return new RegisterRequest(name, publicKey, roles);
    }

    private static ActionOutcome ExecuteRegister(ActionContext context, RegisterRequest request)
    {
        var accountId = context.Hash.Hash(request.PublicKey);
        var key = Key(accountId);
        if (context.Get(key) is not null)
        {
            throw new ActionRefusedException("AccountAlreadyExists", $"An account with this key is already registered.");
        }
        context.Set(key, new AccountRecord(request.Name, request.PublicKey, request.Roles, false, context.Block.Height).Encode());
        context.Emit("accounts.registered", new Core.Ledger.EventAttribute("accountId", accountId.ToString()));
        return ActionOutcome.Ok(ResultJson(accountId, request.Name));
    }

    private static DisableRequest ParseDisable(PayloadReader payload) => new(payload.RequiredHash("accountId"));

    private static ActionOutcome ExecuteDisable(ActionContext context, DisableRequest request)
    {
        var record = Read(context.State, request.AccountId)
            ?? throw new ActionRefusedException("AccountNotFound", "No account has this id.");
        context.Set(Key(request.AccountId), (record with { Disabled = true }).Encode());
        context.Emit("accounts.disabled", new Core.Ledger.EventAttribute("accountId", request.AccountId.ToString()));
        return ActionOutcome.Ok(ResultJson(request.AccountId, record.Name));
    }

    private static byte[] ResultJson(in Hash32 accountId, string name)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("accountId", accountId.ToString());
            writer.WriteString("name", name);
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }
}

/// <summary>
/// The permission policy of the foundation: a signer is known when it has an enabled account, and may run an
/// action when its account holds the action's role.
/// </summary>
public sealed class AccountRolePolicy : IPermissionPolicy
{
    public Refusal? CheckSigner(IStateReader state, in Hash32 signerId)
    {
        var account = AccountsModule.Read(state, signerId);
        if (account is null)
        {
            return new Refusal(ResultCodes.SignerUnknown, $"Signer {signerId.ToShortString()}… has no account on this chain.");
        }
        return account.Disabled ? new Refusal(ResultCodes.SignerUnknown, $"The account of signer '{account.Name}' is disabled.") : null;
    }

    public Refusal? Authorize(IStateReader state, in Hash32 signerId, ActionDefinition action)
    {
        var account = AccountsModule.Read(state, signerId);
        if (account is null || account.Disabled)
        {
            return CheckSigner(state, signerId);
        }
        if (action.RequiredRole is null)
        {
            return null;
        }
        return account.HasRole(action.RequiredRole)
            ? null
            : new Refusal(ResultCodes.SignerLacksRole, $"{action.FullName} requires the role '{action.RequiredRole}', which '{account.Name}' does not hold.");
    }
}
