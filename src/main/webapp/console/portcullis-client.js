/**
 * portcullis-client.js: a browser client for an API behind a Portcullis gateway. One ES module, no
 * dependencies, no build step: copy it into your front end as it is.
 *
 *   import { createClient } from './portcullis-client.js';
 *
 *   const api = createClient({ baseUrl: 'https://gateway.example' });
 *   await api.login('alice', 'password123');
 *   const response = await api.fetch('/api/orders/7');   // a standard fetch Response
 *   await api.logout();
 *
 * What it does for you
 *   - Attaches "Authorization: Bearer <access token>" to every api.fetch().
 *   - When the gateway answers 401 to a request that carried a token (it expired, or was revoked), it
 *     refreshes the token pair once (POST {authPath}/refresh) and retries that request once. Concurrent
 *     401s share one refresh: the single-use refresh token is never spent twice.
 *   - Keeps the tokens in memory only (this module's closure): never in localStorage, sessionStorage or
 *     cookies, so a script injected into the page cannot read them from storage, and a reload signs out.
 *
 * createClient(options), every option optional:
 *   baseUrl          ''          the gateway's origin; '' means the page's own origin
 *   authPath         '/auth'     the gateway's auth.path
 *   paths            { register: '/register', login: '/login', refresh: '/refresh', logout: '/logout',
 *                      apiKeys: '/api-keys' }, each under authPath; give only those you change
 *   fetch            globalThis.fetch; any function with the fetch signature
 *   onExchange(e)    called after every HTTP exchange the client makes, for logging or debugging:
 *                    { kind, method, url, requestHeaders (Headers), requestBody, response (a clone) };
 *                    kind is 'request', 'retry' (after a refresh), 'refresh' or 'auth'
 *   onSessionChange(s)  called whenever the session changes: { userId, expiresAt (ms since the epoch) }
 *                    after login or refresh, null after logout or a failed refresh
 *
 * The client:
 *   register(username, password)  → Promise<{ user_id, username }>
 *   login(username, password)     → Promise<{ userId, expiresAt }>
 *   fetch(path, init)             → Promise<Response>; path is joined to baseUrl; init as for fetch. A body
 *                                   that may be retried must be re-readable: a string, Blob, FormData,
 *                                   URLSearchParams or ArrayBuffer, not a ReadableStream
 *   refresh()                     → Promise<boolean>: whether a new token pair arrived (single-flight)
 *   logout()                      → Promise<void>: ends the session on every gateway node, forgets the tokens
 *   createApiKey({ name, scopes }) → Promise<{ id, api_key, scopes }>; the key is shown this once
 *   session()                     → { userId, expiresAt } or null
 *   accessToken()                 → the current access token or null (the refresh token never leaves the client)
 *
 * register, login and createApiKey reject with a PortcullisError that carries the HTTP status and the
 * gateway's problem+json body (RFC 9457: type, title, status, detail, request_id).
 */

const DEFAULT_PATHS = Object.freeze({
  register: '/register',
  login: '/login',
  refresh: '/refresh',
  logout: '/logout',
  apiKeys: '/api-keys',
});

/** An error answer of the gateway: status and its problem+json body (or null when the body was not JSON). */
export class PortcullisError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.name = 'PortcullisError';
    this.status = status;
    this.problem = problem;
  }
}

export function createClient(options = {}) {
  const baseUrl = (options.baseUrl || '').replace(/\/+$/, '');
  const authPath = options.authPath || '/auth';
  const paths = { ...DEFAULT_PATHS, ...(options.paths || {}) };
  const doFetch = options.fetch || ((...args) => globalThis.fetch(...args));
  const onExchange = options.onExchange || (() => {});
  const onSessionChange = options.onSessionChange || (() => {});

  let tokens = null;      // { access, refresh, userId, expiresAt }
  let refreshing = null;  // the refresh in flight, shared by every caller that needs it

  const authUrl = (name) => baseUrl + authPath + paths[name];

  function session() {
    return tokens && { userId: tokens.userId, expiresAt: tokens.expiresAt };
  }

  function keep(body) {
    tokens = {
      access: body.access_token,
      refresh: body.refresh_token,
      userId: body.user_id,
      expiresAt: Date.now() + body.expires_in * 1000,
    };
    onSessionChange(session());
  }

  function forget() {
    const had = tokens !== null;
    tokens = null;
    if (had) {
      onSessionChange(null);
    }
  }

  async function send(kind, url, init, accessToken) {
    const headers = new Headers(init.headers || {});
    if (accessToken) {
      headers.set('Authorization', `Bearer ${accessToken}`);
    }
    const method = (init.method || 'GET').toUpperCase();
    const response = await doFetch(url, { ...init, method, headers });
    onExchange({
      kind, method, url, requestHeaders: headers,
      requestBody: typeof init.body === 'string' ? init.body : undefined,
      response: response.clone(),
    });
    return response;
  }

  function postJson(kind, url, body, accessToken) {
    return send(kind, url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    }, accessToken);
  }

  async function failure(response) {
    let problem = null;
    try {
      problem = await response.json();
    } catch (ignored) {
      // not JSON: the status alone says what happened
    }
    return new PortcullisError(response.status, problem);
  }

  async function authorizedFetch(path, init = {}) {
    const sent = tokens && tokens.access;
    const response = await send('request', baseUrl + path, init, sent);
    if (response.status !== 401 || !sent) {
      return response;
    }
    // Another call may have refreshed while this one was on its way: then its token is already the new one.
    const refreshedMeanwhile = tokens !== null && tokens.access !== sent;
    if ((!refreshedMeanwhile && !(await refresh())) || !tokens) {
      return response;
    }
    return send('retry', baseUrl + path, init, tokens.access);
  }

  function refresh() {
    if (!refreshing) {
      refreshing = refreshOnce().finally(() => {
        refreshing = null;
      });
    }
    return refreshing;
  }

  async function refreshOnce() {
    const spent = tokens && tokens.refresh;
    if (!spent) {
      return false;
    }
    let response;
    try {
      response = await postJson('refresh', authUrl('refresh'), { refresh_token: spent });
    } catch (networkError) {
      return false; // the tokens stay: the gateway may be reachable again on the next call
    }
    if (!tokens || tokens.refresh !== spent) {
      return false; // logged out meanwhile
    }
    if (response.ok) {
      keep(await response.json());
      return true;
    }
    if (response.status === 400 || response.status === 401) {
      forget(); // spent, revoked, expired or idle: only a new login helps
    }
    return false;
  }

  async function register(username, password) {
    const response = await postJson('auth', authUrl('register'), { username, password });
    if (!response.ok) {
      throw await failure(response);
    }
    return response.json();
  }

  async function login(username, password) {
    const response = await postJson('auth', authUrl('login'), { username, password });
    if (!response.ok) {
      throw await failure(response);
    }
    keep(await response.json());
    return session();
  }

  async function logout() {
    if (!tokens) {
      return;
    }
    const end = () => postJson('auth', authUrl('logout'), { refresh_token: tokens.refresh }, tokens.access);
    try {
      // An expired access token cannot end the session: refresh once, then log out with the new pair.
      const response = await end();
      if (response.status === 401 && (await refresh()) && tokens) {
        await end();
      }
    } finally {
      forget();
    }
  }

  async function createApiKey({ name, scopes = [] } = {}) {
    const body = name ? { name, scopes } : { scopes };
    const response = await authorizedFetch(authPath + paths.apiKeys, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw await failure(response);
    }
    return response.json();
  }

  return Object.freeze({
    register,
    login,
    logout,
    refresh,
    fetch: authorizedFetch,
    createApiKey,
    session,
    accessToken: () => (tokens ? tokens.access : null),
  });
}
