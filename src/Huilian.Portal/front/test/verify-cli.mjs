// Verifies an evidence proof with the portal's JavaScript verifier and prints the result as one line of JSON:
//   node test/verify-cli.mjs PROOF.json GENESIS.json
// The .NET tests (tests/Huilian.Ledger.Tests/ProofVerifierJsTests.cs) run it and compare with the C# verifier.
import { readFileSync } from 'node:fs';
import { verify } from '../src/proof-core.js';

const [proofPath, genesisPath] = process.argv.slice(2);
if (!proofPath || !genesisPath) {
  process.stderr.write('usage: node test/verify-cli.mjs PROOF.json GENESIS.json\n');
  process.exit(2);
}
const result = verify(readFileSync(proofPath, 'utf8'), readFileSync(genesisPath, 'utf8'));
process.stdout.write(JSON.stringify(result) + '\n');
