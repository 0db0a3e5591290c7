import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { STANDALONE_VERIFIER } from '../testing/run-standalone';

const VECTORS = join(__dirname, '..', '..', '..', 'event-store', 'src', 'integrity', 'testvectors');

/**
 * The standalone verifier's own building blocks against the known-answer vectors the ledger's integrity core is
 * held to (RFC 6962 Merkle proofs valid and invalid, the Go signed-note vector, DSSE PAE, RFC 8785): run in a
 * plain Node process that imports the .mjs file, as an outside body would, with no Jest transform in between.
 */
function runModule(script: string): unknown {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

describe('standalone verify-evidence.mjs building blocks', () => {
  it('agrees with every RFC 6962 inclusion and consistency vector, valid and invalid', () => {
    const result = runModule(`
      import { readFileSync } from 'node:fs';
      import { rootFromInclusion, checkConsistency } from ${JSON.stringify(STANDALONE_VERIFIER)};
      const v = JSON.parse(readFileSync(${JSON.stringify(join(VECTORS, 'merkle-rfc6962.json'))}, 'utf8'));
      const hex = (h) => Buffer.from(h, 'hex');
      const wrong = [];
      let n = 0;
      for (const c of v.inclusion_proofs) {
        let ok;
        try { ok = rootFromInclusion(c.leaf_index, c.tree_size, hex(c.leaf_hash_hex), c.proof_hex.map(hex)).equals(hex(c.root_hex)); } catch { ok = false; }
        n++;
        if (ok !== c.valid) wrong.push(c.id);
      }
      for (const c of v.consistency_proofs) {
        let ok = true;
        try { checkConsistency(c.size1, c.size2, c.proof_hex.map(hex), hex(c.root1_hex), hex(c.root2_hex)); } catch { ok = false; }
        n++;
        if (ok !== c.valid) wrong.push(c.id);
      }
      console.log(JSON.stringify({ n, wrong }));
    `);
    expect(result).toEqual({ n: 196, wrong: [] });
  });

  it('opens the Go reference signed note and refuses it under another key or name', () => {
    const result = runModule(`
      import { readFileSync } from 'node:fs';
      import { openCheckpointNote } from ${JSON.stringify(STANDALONE_VERIFIER)};
      const v = JSON.parse(readFileSync(${JSON.stringify(join(VECTORS, 'signed-note-go.json'))}, 'utf8'));
      const raw = (k) => Buffer.from(k.split('+')[2], 'base64').subarray(1);
      const note = v.text + '\\n' + v.signature_line;
      const attempt = (n, name, key) => { try { openCheckpointNote(n, name, key); return 'opened'; } catch (e) { return e.message; } };
      console.log(JSON.stringify({
        // The Go vector's text is not a checkpoint: the signature must verify, then the body is refused as one.
        good: attempt(note, 'PeterNeumann', raw(v.verifier_key)),
        otherKey: attempt(note, 'PeterNeumann', raw(v.other_verifier_key)),
        otherName: attempt(note, 'EnochRoot', raw(v.verifier_key)),
        bitFlip: attempt(note.replace('cryptography', 'cryptographY'), 'PeterNeumann', raw(v.verifier_key)),
      }));
    `);
    expect(result).toEqual({
      good: 'note is not a checkpoint',
      otherKey: 'no signature by PeterNeumann with this key',
      otherName: 'no signature by EnochRoot with this key',
      bitFlip: 'the note signature does not verify',
    });
  });

  it('encodes DSSE PAE and RFC 8785 canonical JSON as the vectors say', () => {
    const result = runModule(`
      import { readFileSync } from 'node:fs';
      import { pae, canonicalJson } from ${JSON.stringify(STANDALONE_VERIFIER)};
      const d = JSON.parse(readFileSync(${JSON.stringify(join(VECTORS, 'dsse.json'))}, 'utf8'));
      const j = JSON.parse(readFileSync(${JSON.stringify(join(VECTORS, 'jcs.json'))}, 'utf8'));
      const wrong = [];
      for (const c of d.pae_vectors) if (pae(c.payload_type, Buffer.from(c.payload_hex, 'hex')).toString('hex') !== c.pae_hex) wrong.push(c.payload_type);
      for (const c of j.cases) if (canonicalJson(JSON.parse(c.input)) !== c.output) wrong.push(c.name);
      for (const c of [...j.numbers_rfc8785_appendix_b, ...j.numbers_testdata_readme]) {
        const n = Buffer.from(c.ieee754_hex, 'hex').readDoubleBE(0);
        let out; try { out = canonicalJson(n); } catch { out = 'error'; }
        if (Number.isFinite(n) && out !== c.expected) wrong.push(c.ieee754_hex);
      }
      console.log(JSON.stringify({ wrong }));
    `);
    expect(result).toEqual({ wrong: [] });
  });

  it('prints usage and exits 2 without a file', () => {
    const run = spawnSync(process.execPath, [STANDALONE_VERIFIER], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^usage: node verify-evidence\.mjs <bundle\.json>/);
    expect(spawnSync(process.execPath, [STANDALONE_VERIFIER, '/nonexistent/bundle.json'], { encoding: 'utf8' }).status).toBe(2);
  });
});
