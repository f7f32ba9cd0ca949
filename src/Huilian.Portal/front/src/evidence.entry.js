// Evidence storage: hash the chosen file in the browser with the chain's hash function (SHA-256 or SM3) and send only
// the hash, so the document never leaves the user's machine. Without this script (or for a file above the limit) the
// form still works: the node hashes the file and does not keep it.
import { SUITES } from './proof/suites.js';
import { toHex } from './proof/codec.js';

const LIMITS = { intl: 32 * 1024 * 1024, gm: 4 * 1024 * 1024 };

function attach(form) {
  const suite = SUITES[form.dataset.suite];
  const file = form.querySelector('input[type=file][name=document]');
  const hash = form.querySelector('input[name=hash]');
  const label = form.querySelector('input[name=label]');
  const status = form.querySelector('[data-hash-status]');
  if (!suite || !file || !hash) return;
  form.addEventListener('submit', async (event) => {
    const chosen = file.files && file.files[0];
    if (!chosen || hash.value.trim() !== '' || chosen.size > LIMITS[suite.name]) return;
    event.preventDefault();
    if (status) status.textContent = status.dataset.working;
    const bytes = new Uint8Array(await chosen.arrayBuffer());
    hash.value = toHex(suite.hash(bytes));
    if (label && label.value.trim() === '') label.value = chosen.name;
    file.value = '';
    if (status) status.textContent = status.dataset.done;
    form.submit();
  });
}

document.querySelectorAll('form[data-hash-in-browser]').forEach(attach);
