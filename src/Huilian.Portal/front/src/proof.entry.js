// The page /explorer/verify: reads the proof (a chosen file, else the pasted text) and the trust anchor (a chosen
// genesis file, else this node's /v1/genesis), verifies in the browser with proof-core.js, and says the result in
// sentences from the page's resource texts (data-texts), with the stable code on failure.
// Also window.HuilianProof.verify(proofJsonText, genesisJsonText) for anyone to call.
import { genesisInfo, proofText, verify } from './proof-core.js';

window.HuilianProof = { verify, genesisInfo, proofText };

// Values that are hashes or keys: shown as <code>, which the portal's stylesheet lets break anywhere.
const CODE_VALUES = new Set(['hash', 'signer', 'transaction', 'blockHash']);

/** The template's text with {name} filled in, as nodes: a hash or key in <code>, the rest as text. */
function fill(template, values) {
  const nodes = [];
  let last = 0;
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    if (!Object.prototype.hasOwnProperty.call(values, match[1])) continue;
    nodes.push(document.createTextNode(template.slice(last, match.index)));
    const value = String(values[match[1]]);
    if (CODE_VALUES.has(match[1])) {
      const code = document.createElement('code');
      code.textContent = value;
      nodes.push(code);
    } else {
      nodes.push(document.createTextNode(value));
    }
    last = match.index + match[0].length;
  }
  nodes.push(document.createTextNode(template.slice(last)));
  return nodes;
}

/** A label followed by a space, unless it ends in a full-width colon (Chinese takes none). */
const spaced = (label) => (label.endsWith('：') ? label : label + ' ');

/** A paragraph of text or nodes; the verdict in bold, detail and trust anchor in the portal's hint style. */
function paragraph(content, className) {
  const p = document.createElement('p');
  if (className === 'verdict') {
    const strong = document.createElement('strong');
    strong.textContent = content;
    p.append(strong);
    return p;
  }
  if (className) p.className = className;
  if (Array.isArray(content)) p.append(...content);
  else p.textContent = content;
  return p;
}

function start() {
  const form = document.getElementById('proof-form');
  if (!form) return;
  const texts = JSON.parse(form.dataset.texts || '{}');
  const t = (key) => texts[key] ?? `⟦${key}⟧`;
  const language = form.dataset.lang || document.documentElement.lang || 'en';
  const result = document.getElementById('verify-result');
  const button = document.getElementById('verify-button');
  const proofFile = document.getElementById('proof-file');
  const proofTextArea = document.getElementById('proof-text');
  const genesisFile = document.getElementById('genesis-file');

  const dateTime = (iso) => {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    const local = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeStyle: 'long', timeZone: 'UTC' }).format(date);
    return `${local} (${iso})`;
  };

  const show = (ok, code, nodes) => {
    result.hidden = true;
    result.replaceChildren();
    result.setAttribute('role', ok ? 'status' : 'alert');
    result.setAttribute('aria-live', ok ? 'polite' : 'assertive');
    result.className = 'proof-result ' + (ok ? 'notice' : 'problem');
    result.dataset.ok = ok ? 'true' : 'false';
    result.dataset.code = code;
    result.append(...nodes);
    result.hidden = false;
  };

  const failure = (code, message, anchor) => {
    const codeElement = document.createElement('code');
    codeElement.textContent = code;
    const codeLine = paragraph([document.createTextNode(spaced(t('error.codeForSupport'))), codeElement], 'code');
    const nodes = [paragraph(t('proof.invalid.title'), 'verdict'), paragraph(texts['proof.code.' + code] ?? message), codeLine];
    if (message) nodes.push(paragraph(spaced(t('proof.detail')) + message, 'hint'));
    if (anchor) nodes.push(anchor);
    show(false, code, nodes);
  };

  const readFile = (input) => (input.files && input.files.length > 0 ? input.files[0].text() : null);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    const label = button.textContent;
    button.textContent = t('proof.verifying');
    try {
      let proof;
      let genesis;
      let anchorKey = 'proof.anchor.node';
      let anchorFile = '';
      try {
        const fromFile = readFile(proofFile);
        proof = fromFile ? await fromFile : proofTextArea.value;
        const genesisFromFile = readFile(genesisFile);
        if (genesisFromFile) {
          genesis = await genesisFromFile;
          anchorKey = 'proof.anchor.file';
          anchorFile = genesisFile.files[0].name;
        }
      } catch (error) {
        failure('FileUnreadable', String(error?.message ?? error));
        return;
      }
      if (!proof || proof.trim() === '') {
        failure('ProofMissing', '');
        return;
      }
      if (genesis === undefined) {
        try {
          const response = await fetch(form.dataset.genesisUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          genesis = await response.text();
        } catch (error) {
          failure('GenesisUnavailable', String(error?.message ?? error));
          return;
        }
      }
      let anchor = null;
      try {
        const info = genesisInfo(genesis);
        anchor = paragraph(fill(t(anchorKey), { file: anchorFile, chain: info.chainId, suite: info.suite, hash: info.hash }), 'hint');
      } catch {
        anchor = null;
      }
      // Let the page paint "Verifying…" before the signatures are checked.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const outcome = verify(proofText(proof), genesis);
      if (!outcome.ok) {
        failure(outcome.code, outcome.message, anchor);
        return;
      }
      const r = outcome.record;
      const nodes = [
        paragraph(t('proof.valid.title'), 'verdict'),
        paragraph(fill(t('proof.valid.document'), { hash: r.hash, owner: r.owner, type: r.type, label: r.label })),
        paragraph(fill(t('proof.valid.recorded'), { height: r.height, time: dateTime(r.time), signer: r.signer, transaction: r.transactionId })),
        paragraph(fill(t('proof.valid.block'), {
          height: outcome.height, blockHash: outcome.blockHash, blockTime: dateTime(outcome.time), signatures: outcome.signatures, validators: outcome.validators,
        })),
        paragraph(outcome.transitions > 0 ? fill(t('proof.valid.transitions'), { count: outcome.transitions }) : t('proof.valid.genesisValidators')),
      ];
      if (anchor) nodes.push(anchor);
      show(true, '', nodes);
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  });
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}
