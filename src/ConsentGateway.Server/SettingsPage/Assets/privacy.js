// The settings page of SPEC §4 "People" (docs/decisions/0012-the-settings-page-takes-its-token-from-the-fragment.md).
// The bearer token comes in the URL fragment, which no server and no Referer ever sees; it is taken
// out of the address bar at once and kept in this module's memory only (never in storage or a
// cookie). Every node is built with the DOM, never from HTML strings: the page's policy requires
// Trusted Types, and the texts shown come from the policy document.

const accounts = '/api/v1/accounts/';
const exportFileName = 'consent-export.json';
// How long the page waits for a saved change to be in effect before it says to look again later (propagation takes seconds).
const followLimitMs = 3 * 60_000;
const longDate = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });
const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const roles = {
  controller: 'uses the data for its own purposes (data controller)',
  processor: 'processes the data only on our behalf (data processor)',
  advertiser: 'advertiser',
};

const byId = id => document.getElementById(id);
const ui = {
  alert: byId('alert'),
  loading: byId('loading'),
  content: byId('content'),
  sharing: byId('sharing'),
  status: byId('status'),
  effects: byId('effects'),
  history: byId('history'),
  exportButton: byId('export'),
  exportStatus: byId('export-status'),
};

/** An answer of the API that is not a success; status 0 when no answer came at all. */
class ApiError extends Error {
  constructor(status, problem = null, retryAfter = null) {
    super(`HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

let session = takeToken();
let stored = null; // { setting, etag }: what the store holds, as last read or written
let effects = null; // the effects shown, whose noticeVersion a change passes back
let saving = false;
// Each load and each change starts a new generation; a poll of an older one stops.
let generation = 0;

ui.sharing.addEventListener('click', event => {
  if (saving) {
    event.preventDefault();
  }
});
ui.sharing.addEventListener('change', () => save(ui.sharing.checked));
ui.exportButton.addEventListener('click', download);
// An app that embeds the page hands it a fresh token by changing the fragment.
window.addEventListener('hashchange', () => {
  const next = takeToken();
  if (next) {
    session = next;
    load();
  }
});

if (session) {
  load();
} else {
  ui.loading.hidden = true;
  showAlert(['This page needs your sign-in from the app.', 'Go back to the app and open your privacy settings from there.']);
}

/** The token of the fragment (#access_token=…) and its subject; the fragment is removed from the address bar either way. */
function takeToken() {
  const fragment = location.hash.replace(/^#/, '');
  if (fragment === '') {
    return null;
  }

  history.replaceState(history.state, '', location.pathname + location.search);
  const token = new URLSearchParams(fragment).get('access_token');
  const userId = token ? subjectOf(token) : null;
  return userId ? { token, userId } : null;
}

/** The token's sub, read without verifying it: it only names the account to ask for, and the server checks the token. */
function subjectOf(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(payload.padEnd(Math.ceil(payload.length / 4) * 4, '=')), c => c.charCodeAt(0));
    const { sub } = JSON.parse(new TextDecoder().decode(bytes));
    return typeof sub === 'string' && sub !== '' ? sub : null;
  } catch {
    return null;
  }
}

async function call(method, path, { body, ifMatch } = {}) {
  const headers = { Authorization: `Bearer ${session.token}`, Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (ifMatch) {
    headers['If-Match'] = ifMatch;
  }

  let response;
  try {
    response = await fetch(accounts + encodeURIComponent(session.userId) + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0);
  }

  if (!response.ok) {
    const problem = await response.json().catch(() => null);
    throw new ApiError(response.status, problem, response.headers.get('Retry-After'));
  }
  return response;
}

async function read(method, path, options) {
  const response = await call(method, path, options);
  return { body: await response.json(), etag: response.headers.get('ETag') };
}

/** Reads the setting, its effects and its history; true when the setting could be shown. */
async function load() {
  const current = ++generation;
  showAlert([]);
  const effectsAnswer = read('GET', '/partner-sharing/effects').then(answer => answer.body, error => error);
  try {
    const [setting, changes] = await Promise.all([read('GET', '/partner-sharing'), read('GET', '/partner-sharing/history')]);
    const described = await effectsAnswer;
    if (current !== generation) {
      return false; // a newer load or change has begun: its answers are the ones to show
    }
    if (described instanceof ApiError && [401, 403].includes(described.status)) {
      throw described;
    }

    showSetting(setting.body, setting.etag);
    showHistory(changes.body);
    if (described instanceof ApiError) {
      showEffectsUnavailable(described);
      setStatus('');
    } else {
      showEffects(described);
      if (described.setting.inEffect) {
        setStatus('In effect: decisions about your data follow this setting.', true);
      } else {
        setStatus('Your last change is being applied…');
        follow(described.setting.version, current, 'In effect: decisions about your data now follow this setting.');
      }
    }
    ui.loading.hidden = true;
    ui.content.hidden = false;
    ui.sharing.disabled = false;
    ui.exportButton.disabled = false;
    return true;
  } catch (error) {
    if (current === generation) {
      ui.loading.hidden = true;
      showError(error, 'load');
    }
    return false;
  }
}

async function save(enabled) {
  saving = true;
  ui.sharing.setAttribute('aria-disabled', 'true');
  showAlert([]);
  setStatus('Saving…');
  const change = ++generation;
  let saved = null;
  try {
    const body = effects ? { enabled, noticeVersion: effects.noticeVersion } : { enabled };
    const answer = await read('PUT', '/partner-sharing', { body, ifMatch: stored.etag });
    saved = answer.body;
    showSetting(saved, answer.etag);
  } catch (error) {
    ui.sharing.checked = stored.setting.enabled;
    setStatus('');
    if (error.status === 412) {
      if (await load()) {
        showAlert([
          'Your setting was changed somewhere else (in the app or another window) after this page showed it, so this change was not saved.',
          'The page now shows the current setting. If you still want to change it, use the switch again.',
        ]);
      }
    } else {
      showError(error, 'save');
    }
  } finally {
    saving = false;
    ui.sharing.removeAttribute('aria-disabled');
  }

  if (saved) {
    setStatus('Saved — applying…');
    refreshHistory();
    if (effects) {
      await follow(saved.version, change, 'Saved — in effect: decisions about your data now follow this setting.');
    } else {
      setStatus('Saved.');
    }
  }
}

/**
 * Polls the effects until the setting's version is the one decisions read, then shows them and
 * says so (done); for a few minutes at most, and not past an answer that will not change by waiting.
 */
async function follow(version, current, done) {
  const giveUpAt = Date.now() + followLimitMs;
  for (let wait = 200; current === generation; wait = Math.min(wait * 2, 2000)) {
    if (Date.now() > giveUpAt) {
      setStatus('Saved. It is taking longer than usual to apply; reload this page later to see whether it is in effect.');
      return;
    }
    try {
      const latest = (await read('GET', '/partner-sharing/effects')).body;
      if (current !== generation) {
        return;
      }
      if (latest.setting.version >= version && latest.setting.inEffect) {
        showEffects(latest);
        setStatus(done, true);
        return;
      }
    } catch (error) {
      if (error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429) {
        showError(error, 'load');
        return;
      }
      // The store, the network or a limit: passing, and the change is saved; keep asking.
    }
    await new Promise(resolve => setTimeout(resolve, wait));
  }
}

async function refreshHistory() {
  try {
    showHistory((await read('GET', '/partner-sharing/history')).body);
  } catch {
    // The history on the page stays as it was; the next load shows the change.
  }
}

async function download() {
  if (ui.exportButton.disabled) {
    return;
  }
  ui.exportButton.disabled = true;
  ui.exportStatus.textContent = 'Preparing your download…';
  try {
    const blob = await (await call('GET', '/export')).blob();
    const url = URL.createObjectURL(blob);
    const link = el('a', { href: url, download: exportFileName, hidden: '' });
    document.body.append(link);
    link.click();
    link.remove();
    // The download has started from the URL; keep it a while for browsers that read it late.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    ui.exportStatus.textContent = `Your data was downloaded as ${exportFileName}.`;
  } catch (error) {
    ui.exportStatus.textContent = '';
    showError(error, 'export');
  } finally {
    ui.exportButton.disabled = false;
  }
}

function showSetting(setting, etag) {
  stored = { setting, etag: etag ?? `"${setting.version}"` };
  ui.sharing.checked = setting.enabled;
}

function showEffects(answer) {
  effects = answer;
  const where = answer.region === 'EEA_UK' ? ' The rules for the European Economic Area and the United Kingdom apply to your account.' : '';
  const nodes = [
    el('p', {}, `Country of your account: ${countryName(answer.country)}. You signed up on `, time(answer.signedUpAt, longDate), `.${where}`),
  ];
  if (answer.setting.isDefault) {
    nodes.push(el('p', { class: 'note' }, `You have not changed this setting: ${answer.setting.enabled ? 'on' : 'off'} is the default where you live.`));
  }
  nodes.push(...answer.partnerships.map(partnership));
  nodes.push(el('p', { class: 'note' }, `These texts are version ${answer.noticeVersion} of our privacy notice; a change you make here is recorded with that version.`));
  ui.effects.replaceChildren(...nodes);
}

function partnership(p) {
  const heading = `partnership-${p.id}`;
  const allowed = p.sharing === 'allowed';
  return el('article', { class: 'partnership', 'aria-labelledby': heading, 'data-partnership': p.id },
    el('h3', { id: heading }, p.title),
    el('p', { class: allowed ? 'verdict allowed' : 'verdict not-allowed' }, allowed ? 'Shared now' : 'Not shared now'),
    el('p', {}, p.explanation),
    el('p', { class: 'note' }, p.governedBySetting ? 'Your setting decides this where you live.' : 'Your setting does not apply to this where you live.'),
    el('h4', {}, 'Partners'),
    p.partners.length
      ? el('ul', {}, ...p.partners.map(partner => el('li', {}, `${partner.name}, which ${roles[partner.role] ?? partner.role}`, policyLink(partner))))
      : el('p', {}, 'No partner is named for this yet.'),
    el('h4', {}, 'Data'),
    el('ul', {}, ...p.data.map(item => el('li', {}, item.label))),
    el('details', {}, el('summary', {}, 'About this partnership'), el('p', {}, p.description)));
}

function policyLink(partner) {
  // Only web addresses become links: the texts are data, never script.
  if (!/^https:\/\//i.test(partner.privacyPolicyUrl ?? '')) {
    return null;
  }
  return el('span', {}, ' — ', el('a', { href: partner.privacyPolicyUrl, target: '_blank', rel: 'noopener noreferrer' }, `${partner.name}'s privacy policy`));
}

function showEffectsUnavailable(error) {
  effects = null;
  ui.effects.replaceChildren(
    el('p', {}, `What the setting does for you could not be loaded (${describe(error)}). Your setting itself is shown above and can be changed.`),
    retryButton());
}

function showHistory(answer) {
  const changes = [...answer.changes].reverse();
  if (changes.length === 0) {
    ui.history.replaceChildren(el('p', {}, 'No changes yet: the default for your region applies.'));
    return;
  }
  // A list rather than a table: it stays readable on a phone and in a narrow iframe.
  ui.history.replaceChildren(
    el('p', { class: 'note' }, 'Every change of this setting, newest first. A receipt identifies a change if you ever need to prove it.'),
    el('ol', { class: 'changes' }, ...changes.map(change => el('li', {},
      el('strong', {}, change.enabled === null ? 'Reset to the default (account deleted)' : change.enabled ? 'On' : 'Off'),
      ' — ', time(change.at, dateTime), change.channel === 'user' ? ', by you' : ', by our service',
      el('br', {}),
      change.receiptId ? el('span', {}, 'Receipt ', el('code', {}, change.receiptId)) : 'No receipt (made before receipts existed)',
      change.noticeVersion ? ` · notice version ${change.noticeVersion}` : null))));
}

function setStatus(text, inEffect = false) {
  ui.status.textContent = text;
  ui.status.classList.toggle('in-effect', inEffect);
}

function showAlert(paragraphs) {
  ui.alert.replaceChildren(...paragraphs.map(p => (typeof p === 'string' ? el('p', {}, p) : p)));
}

/** Says what went wrong and what to do; the page keeps what it showed. */
function showError(error, action) {
  const what = { load: 'Your settings could not be loaded', save: 'Your change was not saved', export: 'Your data could not be downloaded' }[action];
  const unchanged = action === 'save' ? ` Your setting is still ${stored.setting.enabled ? 'on' : 'off'}.` : '';
  switch (error.status) {
    case 401:
      endSession();
      showAlert(['Your sign-in for this page has expired or is not valid.', 'Go back to the app and open your privacy settings again.']);
      return;
    case 403:
      endSession();
      showAlert(['Your sign-in does not let this page show these settings.', 'Go back to the app and open your privacy settings again.']);
      return;
    case 404:
      showAlert([`${what}: no account was found for your sign-in.`, 'Go back to the app and open your privacy settings again.']);
      return;
    default:
      showAlert([`${what} (${describe(error)}).${unchanged}`, action === 'save' ? 'Try again with the switch in a moment.' : el('p', {}, 'Try again in a moment. ', retryButton(action))]);
  }
}

function describe(error) {
  if (error.status === 0) {
    return 'the service could not be reached';
  }
  if (error.status === 429) {
    return error.retryAfter ? `too many requests: wait ${error.retryAfter} seconds` : 'too many requests';
  }
  if (error.status === 503 || error.problem?.code === 'store-unavailable') {
    return 'the service is not available right now';
  }
  return error.problem?.title ? `${error.problem.title}, status ${error.status}` : `status ${error.status}`;
}

function retryButton(action = 'load') {
  const button = el('button', { type: 'button', class: 'secondary' }, 'Try again');
  button.addEventListener('click', action === 'export' ? download : load);
  return button;
}

function endSession() {
  generation++;
  ui.sharing.disabled = true;
  ui.exportButton.disabled = true;
}

function countryName(code) {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

function time(iso, format) {
  return el('time', { datetime: iso }, format.format(new Date(iso)));
}

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  node.append(...children.filter(child => child !== null));
  return node;
}
