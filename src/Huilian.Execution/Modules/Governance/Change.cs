using System.Buffers.Binary;
using System.Globalization;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Core.State;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Membership;

namespace Huilian.Execution.Modules.Governance;

/// <summary>
/// The change a proposal makes, read from its payload: checked when proposed (so a hopeless proposal is refused at
/// once) and checked again and applied when it falls due.
/// </summary>
internal abstract record Change(string Kind)
{
    public const int AdminsMax = 4;

    public static Change Read(PayloadReader payload)
    {
        var kind = payload.RequiredString("kind", 64);
        return kind switch
        {
            GovernanceModule.AdmitOrganisation => ReadAdmit(payload),
            GovernanceModule.SuspendOrganisation => new SuspendChange(payload.RequiredString("organisation", 64), true),
            GovernanceModule.ReinstateOrganisation => new SuspendChange(payload.RequiredString("organisation", 64), false),
            GovernanceModule.SetParameter => ReadParameter(payload),
            GovernanceModule.AddValidator => new AddValidatorChange(
                payload.RequiredString("name", Validator.NameLengthMax),
                payload.RequiredHex("publicKey", Limits.PublicKeyLengthMax),
                payload.RequiredUInt64("power", Validator.PowerMax),
                payload.RequiredString("organisation", 64)),
            GovernanceModule.RemoveValidator => new RemoveValidatorChange(payload.RequiredString("name", Validator.NameLengthMax)),
            GovernanceModule.SetValidatorPower => new SetValidatorPowerChange(
                payload.RequiredString("name", Validator.NameLengthMax),
                payload.RequiredUInt64("power", Validator.PowerMax)),
            _ => throw new ActionRefusedException("ProposalKindUnknown", $"Proposal kind '{kind}' is unknown; use one of {string.Join(", ", GovernanceModule.Kinds)}."),
        };
    }

    /// <summary>Re-reads a stored proposal payload (already validated when proposed).</summary>
    public static Change Parse(byte[] payload) => Read(PayloadReader.Parse(payload));

    private static AdmitChange ReadAdmit(PayloadReader payload)
    {
        var organisation = payload.OptionalObject("organisation")
            ?? throw new ActionRefusedException(ResultCodes.PayloadFieldMissing, "Field 'organisation' is required.");
        var spec = new MembershipModule.OrganisationSpec(
            organisation.RequiredString("id", 64),
            organisation.RequiredString("name", 128),
            organisation.RequiredString("kind", 32),
            organisation.RequiredBase64("caCertificate", Limits.CertificateBytesMax),
            organisation.RequiredHex("encryptionKey", Limits.PublicKeyLengthMax));
        organisation.EnsureNoUnknownFields();
        var admins = new List<(string Name, byte[] Certificate)>();
        foreach (var admin in payload.RequiredObjectList("admins", AdminsMax))
        {
            admins.Add((admin.RequiredString("name", 64), admin.RequiredBase64("certificate", Limits.CertificateBytesMax)));
            admin.EnsureNoUnknownFields();
        }
        if (admins.Count == 0)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, "An admitted organisation needs at least one admin.");
        }
        return new AdmitChange(spec, admins);
    }

    private static ParameterChange ReadParameter(PayloadReader payload)
    {
        var name = payload.RequiredString("parameter", 64);
        if (!ParameterNames.All.Contains(name))
        {
            throw new ActionRefusedException("ParameterUnknown", $"Parameter '{name}' cannot be changed by governance; these can: {string.Join(", ", ParameterNames.All)}.");
        }
        var value = payload.RequiredUInt64("value");
        var (min, max) = ParameterNames.Range(name);
        if (value < min || value > max)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, string.Create(CultureInfo.InvariantCulture, $"Parameter '{name}' must be {min} to {max}."));
        }
        return new ParameterChange(name, value);
    }

    public abstract string Describe();

    /// <summary>Null when the change can be made on <paramref name="state"/>.</summary>
    public abstract Refusal? Check(ICertificateVerifier certificates, ISignatureScheme signatures, IHashFunction hash, long timeMs, IStateReader state);

    /// <summary>Makes the change at the start of a block; null when done, else why it failed.</summary>
    public abstract Refusal? Apply(ICryptoSuite suite, BlockContext block, IStateReader state, Func<byte[], byte[]?> get, Action<byte[], byte[]> set);
}

internal sealed record AdmitChange(MembershipModule.OrganisationSpec Organisation, IReadOnlyList<(string Name, byte[] Certificate)> Admins)
    : Change(GovernanceModule.AdmitOrganisation)
{
    public override string Describe() => $"Admit {Organisation.Kind} '{Organisation.Id}' ({Organisation.Name}) with admin(s) {string.Join(", ", Admins.Select(a => a.Name))}.";

    public override Refusal? Check(ICertificateVerifier certificates, ISignatureScheme signatures, IHashFunction hash, long timeMs, IStateReader state)
    {
        // A dry run on a scratch overlay: every check Apply makes, nothing kept.
        var scratch = new StateOverlay(state);
        return Run(certificates, signatures, hash, timeMs, 0, key => scratch.Get(key), scratch.Set);
    }

    public override Refusal? Apply(ICryptoSuite suite, BlockContext block, IStateReader state, Func<byte[], byte[]?> get, Action<byte[], byte[]> set)
    {
        var scratch = new StateOverlay(state);
        var refusal = Run(suite.Certificates, suite.Signatures, suite.Hash, block.TimeMs, block.Height, key => scratch.Get(key), scratch.Set);
        if (refusal is null)
        {
            foreach (var write in scratch.ToWriteSet())
            {
                set(write.Key, write.Value!);
            }
        }
        return refusal;
    }

    private Refusal? Run(ICertificateVerifier certificates, ISignatureScheme signatures, IHashFunction hash, long timeMs, ulong height, Func<byte[], byte[]?> get, Action<byte[], byte[]> set)
    {
        var refusal = MembershipModule.Admit(certificates, signatures, hash, Organisation, timeMs, height, get, set);
        foreach (var (name, certificate) in Admins)
        {
            refusal ??= MembershipModule.RegisterUser(certificates, hash, Organisation.Id, name, certificate, [RoleNames.OrganisationAdmin], timeMs, height, get, set);
        }
        return refusal;
    }
}

internal sealed record SuspendChange(string Organisation, bool Suspend)
    : Change(Suspend ? GovernanceModule.SuspendOrganisation : GovernanceModule.ReinstateOrganisation)
{
    public override string Describe() => $"{(Suspend ? "Suspend" : "Reinstate")} organisation '{Organisation}'.";

    public override Refusal? Check(ICertificateVerifier certificates, ISignatureScheme signatures, IHashFunction hash, long timeMs, IStateReader state)
    {
        var record = MembershipState.ReadOrganisation(state, Organisation);
        if (record is null)
        {
            return new Refusal(MembershipCodes.OrganisationUnknown, $"Organisation '{Organisation}' is not a member.");
        }
        if (Suspend && record.Kind == OrganisationKinds.Regulator)
        {
            return new Refusal("CannotSuspendRegulator", "The regulator cannot be suspended: it is a recipient of every confidential section.");
        }
        return record.Suspended == Suspend
            ? new Refusal(Suspend ? "OrganisationAlreadySuspended" : "OrganisationNotSuspended", $"Organisation '{Organisation}' is already {(Suspend ? "suspended" : "active")}.")
            : null;
    }

    public override Refusal? Apply(ICryptoSuite suite, BlockContext block, IStateReader state, Func<byte[], byte[]?> get, Action<byte[], byte[]> set)
    {
        var refusal = Check(suite.Certificates, suite.Signatures, suite.Hash, block.TimeMs, state);
        if (refusal is null)
        {
            var record = MembershipState.ReadOrganisation(state, Organisation)!;
            set(MembershipState.OrganisationKey(Organisation), (record with { Suspended = Suspend }).Encode());
        }
        return refusal;
    }
}

internal sealed record ParameterChange(string Name, ulong Value) : Change(GovernanceModule.SetParameter)
{
    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"Set {Name} to {Value}.");

    public override Refusal? Check(ICertificateVerifier certificates, ISignatureScheme signatures, IHashFunction hash, long timeMs, IStateReader state) => null;

    public override Refusal? Apply(ICryptoSuite suite, BlockContext block, IStateReader state, Func<byte[], byte[]?> get, Action<byte[], byte[]> set)
    {
        var value = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(value, Value);
        set(StateKeys.Parameter(Name), value);
        return null;
    }
}

/// <summary>
/// A change to the validator set (ADR 0012). The set lives in state under <see cref="ValidatorSet.StateKey"/>; a
/// change applied at the start of height e is in the state after e and so governs consensus from e + 1. Checked
/// when proposed and again when it falls due, against the set as it is then.
/// </summary>
internal abstract record ValidatorChange(string Kind) : Change(Kind)
{
    /// <summary>The set after the change, or why it cannot be made on <paramref name="current"/>.</summary>
    protected abstract (IReadOnlyList<Validator>? Validators, Refusal? Refusal) Transform(ValidatorSet current, ISignatureScheme signatures, IStateReader state);

    public static ValidatorSet? ReadSet(IStateReader state, IHashFunction hash) =>
        state.Get(ValidatorSet.StateKey.ToArray()) is { } value ? ValidatorSet.DecodeState(value, hash) : null;

    public override Refusal? Check(ICertificateVerifier certificates, ISignatureScheme signatures, IHashFunction hash, long timeMs, IStateReader state) =>
        Next(signatures, hash, state).Refusal;

    public override Refusal? Apply(ICryptoSuite suite, BlockContext block, IStateReader state, Func<byte[], byte[]?> get, Action<byte[], byte[]> set)
    {
        var (next, refusal) = Next(suite.Signatures, suite.Hash, state);
        if (refusal is not null)
        {
            return refusal;
        }
        set(ValidatorSet.StateKey.ToArray(), next!.EncodeState());
        var organisations = next.Validators.Select(v => v.Organisation).Where(o => o.Length > 0)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        set(GovernanceModule.ValidatorOrganisationsKey(), MembershipState.EncodeNames(organisations));
        return null;
    }

    private (ValidatorSet? Set, Refusal? Refusal) Next(ISignatureScheme signatures, IHashFunction hash, IStateReader state)
    {
        var current = ReadSet(state, hash);
        if (current is null)
        {
            return (null, new Refusal("ValidatorSetUnknown", "This chain's state holds no validator set, so governance cannot change it."));
        }
        var (validators, refusal) = Transform(current, signatures, state);
        if (refusal is not null)
        {
            return (null, refusal);
        }
        try
        {
            return (new ValidatorSet(validators!, hash), null);
        }
        catch (ArgumentException exception)
        {
            return (null, new Refusal("ValidatorSetInvalid", exception.Message));
        }
    }

    protected static Refusal? CheckOrganisation(IStateReader state, string organisation) =>
        MembershipState.ReadOrganisation(state, organisation) switch
        {
            null => new Refusal(MembershipCodes.OrganisationUnknown, $"Organisation '{organisation}' is not a member."),
            { Suspended: true } => new Refusal(MembershipCodes.OrganisationSuspended, $"Organisation '{organisation}' is suspended; it cannot run a validator."),
            _ => null,
        };

    protected static Refusal NotAValidator(string name, ValidatorSet current) =>
        new("ValidatorUnknown", $"There is no validator '{name}'; the validators are {string.Join(", ", current.Validators.Select(v => v.Name))}.");
}

internal sealed record AddValidatorChange(string Name, byte[] PublicKey, ulong Power, string Organisation) : ValidatorChange(GovernanceModule.AddValidator)
{
    public override string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"Add validator '{Name}' of '{Organisation}' with power {Power} (key {Convert.ToHexStringLower(PublicKey)[..16]}…).");

    protected override (IReadOnlyList<Validator>?, Refusal?) Transform(ValidatorSet current, ISignatureScheme signatures, IStateReader state)
    {
        if (!signatures.IsValidPublicKey(PublicKey))
        {
            return (null, new Refusal("ValidatorKeyInvalid", $"The public key is not a valid {signatures.Name} key."));
        }
        if (current.IndexOf(Name) >= 0)
        {
            return (null, new Refusal("ValidatorExists", $"There is already a validator '{Name}'."));
        }
        if (current.IndexOf(PublicKey) >= 0)
        {
            return (null, new Refusal("ValidatorExists", "Another validator already holds this key."));
        }
        if (current.Count >= Limits.ValidatorsMax)
        {
            return (null, new Refusal("ValidatorSetFull", $"The set already holds the maximum of {Limits.ValidatorsMax} validators."));
        }
        if (Power == 0)
        {
            return (null, new Refusal(ResultCodes.PayloadFieldOutOfRange, "A validator needs voting power of at least 1."));
        }
        if (CheckOrganisation(state, Organisation) is { } refusal)
        {
            return (null, refusal);
        }
        return ([.. current.Validators, new Validator(Name, PublicKey, Power, Organisation)], null);
    }
}

internal sealed record RemoveValidatorChange(string Name) : ValidatorChange(GovernanceModule.RemoveValidator)
{
    public override string Describe() => $"Remove validator '{Name}'.";

    protected override (IReadOnlyList<Validator>?, Refusal?) Transform(ValidatorSet current, ISignatureScheme signatures, IStateReader state)
    {
        var index = current.IndexOf(Name);
        if (index < 0)
        {
            return (null, NotAValidator(Name, current));
        }
        if (current.Count == 1)
        {
            return (null, new Refusal("LastValidator", $"'{Name}' is the only validator; a chain needs at least one."));
        }
        return (current.Validators.Where((_, i) => i != index).ToArray(), null);
    }
}

internal sealed record SetValidatorPowerChange(string Name, ulong Power) : ValidatorChange(GovernanceModule.SetValidatorPower)
{
    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"Set the voting power of validator '{Name}' to {Power}.");

    protected override (IReadOnlyList<Validator>?, Refusal?) Transform(ValidatorSet current, ISignatureScheme signatures, IStateReader state)
    {
        var index = current.IndexOf(Name);
        if (index < 0)
        {
            return (null, NotAValidator(Name, current));
        }
        if (Power == 0)
        {
            return (null, new Refusal(ResultCodes.PayloadFieldOutOfRange, "Power must be at least 1; to take a validator out, remove it."));
        }
        if (current.Validators[index].Power == Power)
        {
            return (null, new Refusal("ValidatorPowerUnchanged", string.Create(CultureInfo.InvariantCulture, $"Validator '{Name}' already holds power {Power}.")));
        }
        return (current.Validators.Select((v, i) => i == index ? v with { Power = Power } : v).ToArray(), null);
    }
}
