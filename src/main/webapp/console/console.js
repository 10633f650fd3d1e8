// The demo console's page logic. Everything it sends to the gateway goes through portcullis-client.js
// (JWT calls) or plain fetch (API-key calls, and the old token after logout), and every exchange is logged.
import { createClient, PortcullisError } from './portcullis-client.js';

const REASONS = {
  200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized',
  403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 413: 'Payload Too Large',
  429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
const IDENTITY_HEADERS = ['x-auth-method', 'x-user-id', 'x-user-roles', 'x-client-id', 'x-request-id', 'authorization'];
const KIND_LABELS = { request: '', retry: 'retry after refresh', refresh: 'token refresh', auth: '' };
const MAX_CALLS_UNTIL_LIMITED = 20;

const $ = (id) => document.getElementById(id);
const setting = (id) => $(id).value.trim();

let client = null;
let username = null;
let oldToken = null;
let apiKey = null;
let exchangeCount = 0;
let refreshCount = 0;
let retryCount = 0;
let keyCalls = 0;

function status(code) {
  return `${code} ${REASONS[code] || ''}`.trim();
}

function abbreviate(token) {
  return typeof token === 'string' && token.length > 24 ? `${token.slice(0, 16)}…(${token.length} characters)` : token;
}

function newClient() {
  return createClient({
    authPath: setting('setting-auth'),
    onExchange: (exchange) => logExchange(exchange),
    onSessionChange: () => showSession(),
  });
}

// ---- the session line, with a live countdown of the access token ----

function showSession() {
  const session = client && client.session();
  const line = $('session');
  if (!session) {
    line.textContent = 'Not signed in.';
    line.className = 'status';
    return;
  }
  const seconds = Math.round((session.expiresAt - Date.now()) / 1000);
  const expiry = seconds > 0
    ? `Access token expires in ${seconds} s.`
    : `Access token expired ${-seconds} s ago: the next call gets a 401, and the client refreshes once and retries.`;
  line.textContent = `Signed in as ${username} (user id ${session.userId}). ${expiry} Token refreshes: ${refreshCount}.`;
  line.className = seconds > 0 ? 'status ok' : 'status warn';
}

// ---- the log of requests and answers ----

function headerText(headers, mask) {
  const lines = [];
  headers.forEach((value, name) => {
    const shown = mask && name.toLowerCase() === 'authorization' ? `Bearer ${abbreviate(value.replace(/^Bearer /, ''))}` : value;
    lines.push(`${name}: ${shown}`);
  });
  return lines.join('\n');
}

function bodyText(text) {
  if (!text) {
    return '';
  }
  try {
    return JSON.stringify(JSON.parse(text), (key, value) =>
      (key === 'access_token' || key === 'refresh_token' ? abbreviate(value) : value), 2);
  } catch (notJson) {
    return text;
  }
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function logExchange({ kind, method, url, requestHeaders, requestBody, response }) {
  exchangeCount += 1;
  if (kind === 'refresh' && response.ok) {
    refreshCount += 1;
  }
  if (kind === 'retry') {
    retryCount += 1;
  }
  const path = url.startsWith(location.origin) ? url.slice(location.origin.length) : url;
  const item = element('li', `exchange status-${String(response.status)[0]}xx`);
  item.dataset.status = String(response.status);
  const parts = [element('span', 'number', `#${exchangeCount}`)];
  if (KIND_LABELS[kind]) {
    parts.push(element('span', 'kind', KIND_LABELS[kind]));
  }
  parts.push(element('span', 'request-line', `${method} ${path}`), element('span', 'arrow', '→'),
    element('span', 'response-status', status(response.status)));
  const line = element('div', 'line');
  parts.forEach((part, i) => line.append(...(i ? [' ', part] : [part])));
  item.append(line);

  const request = element('details', 'request');
  request.append(element('summary', null, 'request'));
  let requestText = headerText(requestHeaders, true);
  if (requestBody) {
    const shownBody = bodyText(requestBody).replace(/"password": "[^"]*"/, '"password": "…"');
    requestText += `\n\n${shownBody}`;
  }
  request.append(element('pre', null, requestText || '(no headers)'));
  const answer = element('details', 'response');
  answer.open = true;
  answer.append(element('summary', null, 'response'));
  const answerText = element('pre', null, headerText(response.headers, false));
  answer.append(answerText);
  item.append(request, answer);
  $('log').prepend(item);
  response.text().then((text) => {
    const body = bodyText(text);
    if (body) {
      answerText.textContent += `\n\n${body}`;
    }
  });
}

async function plainFetch(path, headers) {
  const requestHeaders = new Headers(headers);
  const response = await fetch(path, { headers: requestHeaders });
  logExchange({ kind: 'request', method: 'GET', url: new URL(path, location.href).href, requestHeaders,
    response: response.clone() });
  return response;
}

// ---- actions ----

async function problemText(response) {
  try {
    const problem = await response.json();
    return `${status(response.status)}: ${problem.detail || problem.title}`;
  } catch (notJson) {
    return status(response.status);
  }
}

function show(id, text, ok) {
  const node = $(id);
  node.textContent = text;
  node.className = `result ${ok ? 'ok' : 'error'}`;
}

function action(button, resultId, run) {
  $(button).addEventListener('click', async () => {
    $(button).disabled = true;
    try {
      await run();
    } catch (error) {
      const text = error instanceof PortcullisError
        ? `${status(error.status)}: ${(error.problem && (error.problem.detail || error.problem.title)) || error.message}`
        : `The request failed: ${error.message}`;
      show(resultId, text, false);
    } finally {
      $(button).disabled = false;
      showSession();
    }
  });
}

function retryNote(retriesBefore) {
  return retryCount > retriesBefore
    ? ' The first try got a 401 (the access token had expired or was revoked); the client refreshed the token pair once and retried.'
    : '';
}

action('login', 'login-result', async () => {
  client = newClient();
  refreshCount = 0;
  username = setting('username');
  await client.login(username, $('password').value);
  show('login-result', `Logged in as ${username}: ${status(200)}.`, true);
  $('call-old-token').disabled = true;
});

action('register', 'login-result', async () => {
  const created = await (client || newClient()).register(setting('username'), $('password').value);
  show('login-result', `Registered ${created.username} (user id ${created.user_id}): ${status(201)}. Now log in.`, true);
});

function showIdentity(received) {
  const table = $('identity');
  const rows = table.tBodies[0];
  rows.replaceChildren();
  for (const name of IDENTITY_HEADERS) {
    const value = received[name];
    const row = element('tr');
    row.dataset.header = name;
    row.append(element('th', null, name),
      element('td', null, value === undefined ? '(not sent)' : [].concat(value).join(', ')));
    rows.append(row);
  }
  table.hidden = false;
}

action('call-orders', 'orders-result', async () => {
  const retriesBefore = retryCount;
  const response = await (client || newClient()).fetch(setting('setting-orders'));
  if (!response.ok) {
    $('identity').hidden = true;
    show('orders-result', await problemText(response), false);
    return;
  }
  showIdentity((await response.json()).headers || {});
  show('orders-result', `${status(response.status)}.${retryNote(retriesBefore)}`, true);
});

// Two calls at once: when the token has expired, both get a 401 and share a single refresh.
action('call-orders-twice', 'orders-result', async () => {
  const retriesBefore = retryCount;
  const refreshesBefore = refreshCount;
  const api = client || newClient();
  const responses = await Promise.all([api.fetch(setting('setting-orders')), api.fetch(setting('setting-orders'))]);
  const answered = responses.find((response) => response.ok);
  if (answered) {
    showIdentity((await answered.json()).headers || {});
  }
  const statuses = `${responses.map((response) => status(response.status)).join(' and ')}.`;
  const refreshes = refreshCount - refreshesBefore;
  const note = retryCount - retriesBefore === 2
    ? ` Both first tries got a 401; the client refreshed the token pair ${refreshes === 1 ? 'once for both' : `${refreshes} times`} and retried each.`
    : '';
  show('orders-result', statuses + note, responses.every((response) => response.ok));
});

action('call-cart', 'cart-result', async () => {
  const response = await (client || newClient()).fetch(setting('setting-cart'));
  const body = $('cart-body');
  if (!response.ok) {
    body.hidden = true;
    show('cart-result', await problemText(response), false);
    return;
  }
  body.textContent = JSON.stringify(await response.json(), null, 2);
  body.hidden = false;
  show('cart-result', `${status(response.status)}: your cart.`, true);
});

action('create-apikey', 'apikey-result', async () => {
  const scopes = setting('apikey-scopes').split(',').map((s) => s.trim()).filter((s) => s);
  const key = await (client || newClient()).createApiKey({ name: setting('apikey-name'), scopes });
  apiKey = key.api_key;
  keyCalls = 0;
  $('apikey-id').textContent = key.id;
  $('apikey-secret').textContent = key.api_key;
  $('apikey').hidden = false;
  $('ratelimit-rows').replaceChildren();
  $('ratelimit').hidden = true;
  $('call-inventory').disabled = false;
  $('call-inventory-until-limited').disabled = false;
  show('apikey-result', `${status(201)}: key ${key.id}, scopes [${key.scopes.join(', ')}]. Copy it now: it is not shown again.`, true);
});

function field(header, name) {
  const match = header && header.match(new RegExp(`;\\s*${name}=(\\d+)`));
  return match ? match[1] : '';
}

async function callWithKey() {
  const response = await plainFetch(setting('setting-inventory'), { 'x-api-key': apiKey });
  keyCalls += 1;
  const limit = response.headers.get('RateLimit');
  const policy = response.headers.get('RateLimit-Policy');
  const row = element('tr', response.ok ? 'ok' : 'error');
  row.dataset.status = String(response.status);
  const remaining = field(limit, 'r');
  const reset = field(limit, 't');
  row.append(element('td', null, String(keyCalls)), element('td', 'status', status(response.status)),
    element('td', 'remaining', remaining), element('td', 'reset', reset ? `${reset} s` : ''),
    element('td', 'quota', policy ? `${field(policy, 'q')} per ${field(policy, 'w')} s` : ''),
    element('td', 'retry-after', response.headers.get('Retry-After') || ''));
  $('ratelimit-rows').append(row);
  $('ratelimit').hidden = false;
  return response;
}

action('call-inventory', 'apikey-result', async () => {
  const response = await callWithKey();
  show('apikey-result', response.ok ? `${status(response.status)} with key ${$('apikey-id').textContent}.`
    : await problemText(response), response.ok);
});

action('call-inventory-until-limited', 'apikey-result', async () => {
  for (let i = 0; i < MAX_CALLS_UNTIL_LIMITED; i += 1) {
    const response = await callWithKey();
    if (!response.ok) {
      show('apikey-result', await problemText(response), response.status === 429);
      return;
    }
  }
  show('apikey-result', `No limit reached after ${MAX_CALLS_UNTIL_LIMITED} calls.`, true);
});

action('logout', 'logout-result', async () => {
  if (!client || !client.session()) {
    show('logout-result', 'Not signed in.', false);
    return;
  }
  oldToken = client.accessToken();
  await client.logout();
  show('logout-result', 'Logged out: the client has forgotten its tokens, and the gateway revoked them.', true);
  $('call-old-token').disabled = false;
});

action('call-old-token', 'old-token-result', async () => {
  const response = await plainFetch(setting('setting-orders'), { Authorization: `Bearer ${oldToken}` });
  const challenge = response.headers.get('WWW-Authenticate');
  show('old-token-result', `${await problemText(response)}${challenge ? ` (WWW-Authenticate: ${challenge})` : ''}`,
    response.status === 401);
});

$('clear-log').addEventListener('click', () => $('log').replaceChildren());

function showPaths() {
  for (const name of ['orders', 'cart', 'inventory']) {
    for (const span of document.querySelectorAll(`.path-${name}`)) {
      span.textContent = setting(`setting-${name}`);
    }
  }
}

for (const input of document.querySelectorAll('#settings input')) {
  input.addEventListener('input', showPaths);
}
showPaths();
setInterval(showSession, 1000);
$('script-status').hidden = true;
