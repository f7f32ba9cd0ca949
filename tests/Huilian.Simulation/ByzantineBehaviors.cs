using Huilian.Core;
using Huilian.Core.Ledger;
using Huilian.Replica.Wire;

namespace Huilian.Simulation;

/// <summary>
/// Rewrites what a Byzantine node sends of its own (messages of others it relays pass unchanged). The node itself
/// runs the honest code; its environment lies on its behalf, signing with its raw key (bypassing the sign guard,
/// as a compromised validator would).
/// </summary>
internal sealed class ByzantineBehaviors(Simulation simulation)
{
    public void Send(SimNode from, string peer, WireMessage message)
    {
        // Its own messages carry its index in the set of the current height (governance may change the set).
        var self = from.Replica?.ValidatorIndex is >= 0 and var index ? (uint?)index : null;
        switch (from.Byzantine)
        {
            case ByzantineBehavior.Equivocate when message is VoteMessage vote && vote.Vote.ValidatorIndex == self:
                var conflicting = Conflicting(from, vote.Vote);
                // Both versions to every peer, in an order that depends on the peer: everyone can prove it.
                var first = PeerOrder(peer) ? vote : new VoteMessage(conflicting);
                var second = PeerOrder(peer) ? new VoteMessage(conflicting) : vote;
                simulation.Transmit(from, peer, first.Encode());
                simulation.Transmit(from, peer, second.Encode());
                return;
            case ByzantineBehavior.InvalidProposal when message is ProposalMessage proposal && proposal.Proposal.ProposerIndex == self:
                simulation.Transmit(from, peer, Corrupt(from, proposal).Encode());
                return;
            case ByzantineBehavior.WithholdVotes when message is VoteMessage withheld && withheld.Vote.ValidatorIndex == self:
                return;
            default:
                simulation.Transmit(from, peer, message.Encode());
                return;
        }
    }

    private static bool PeerOrder(string peer) => peer.Length % 2 == 0 || peer.EndsWith('1') || peer.EndsWith('3');

    private Vote Conflicting(SimNode from, Vote vote)
    {
        var other = vote.IsNil ? simulation.HashOf($"conflict {vote.Height} {vote.Round}") : Hash32.Zero;
        var unsigned = vote with { BlockHash = other, Signature = [] };
        var signed = unsigned with { Signature = from.Key!.Sign(unsigned.SignBytes(simulation.ChainId)) };
        if (!signed.VerifySignature(simulation.ChainId, from.Chain!.ValidatorsAt(vote.Height), Huilian.Crypto.IntlSuite.Instance.Signatures))
        {
            throw new InvalidOperationException($"conflicting vote does not verify: validator {vote.ValidatorIndex}, key index {from.Index}");
        }
        return signed;
    }

    private ProposalMessage Corrupt(SimNode from, ProposalMessage message)
    {
        var header = BlockHeader.Decode(message.Header) with { StateRoot = simulation.HashOf($"bad root {message.Proposal.Height}") };
        var hash = header.ComputeHash(simulation.HashFunction);
        var unsigned = message.Proposal with { BlockHash = hash, Signature = [] };
        var proposal = unsigned with { Signature = from.Key!.Sign(unsigned.SignBytes(simulation.ChainId)) };
        return message with { Proposal = proposal, Header = header.Encode() };
    }
}
