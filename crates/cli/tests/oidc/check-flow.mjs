// Smoke check for provider.mjs: starts it, signs in as an email address the
// way a non-browser test client would (cookie jar, redirects followed by
// hand), exchanges the code, checks the ID token, then stops the provider
// with SIGTERM and checks it exits with status 0.
//
//   node check-flow.mjs [email]        (run `npm ci` first)
//   TOKEN_AUTH=post node check-flow.mjs   (client_secret_post instead of basic)

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { createRemoteJWKSet, jwtVerify } from 'jose'; // oidc-provider's own dependency

const email = process.argv[2] ?? 'alice.smith@example.com';
const redirectUri = 'http://127.0.0.1:9/callback';
const clientId = 'goldthread';
const clientSecret = 'secret';

function check(cond, msg) {
  if (!cond) throw new Error(`check failed: ${msg}`);
}

// --- start the provider and read "listening http://127.0.0.1:NNNN" ---------
const child = spawn(process.execPath, [fileURLToPath(new URL('provider.mjs', import.meta.url))], {
  env: { ...process.env, PORT: '0', OIDC_REDIRECT_URI: redirectUri },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const [line] = await once(createInterface({ input: child.stdout }), 'line');
const issuer = /^listening (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1];
check(issuer, `first stdout line: ${line}`);
console.log(`provider: ${issuer}`);

// --- a minimal cookie jar that honours Path ---------------------------------
const jar = new Map(); // "path\0name" -> {name, value, path}
function storeCookies(res) {
  for (const sc of res.headers.getSetCookie()) {
    const [pair, ...attrs] = sc.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let path = '/';
    let expired = false;
    for (const a of attrs) {
      const [k, v] = a.split('=');
      if (k.toLowerCase() === 'path') path = v;
      if (k.toLowerCase() === 'expires' && new Date(v) < new Date()) expired = true;
    }
    const key = `${path}\0${name}`;
    if (expired || value === '') jar.delete(key); else jar.set(key, { name, value, path });
  }
}
function cookieHeader(url) {
  const { pathname } = new URL(url);
  return [...jar.values()]
    .filter((c) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
    .map((c) => `${c.name}=${c.value}`).join('; ');
}
async function request(method, url, form) {
  const headers = { cookie: cookieHeader(url) };
  let body;
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const res = await fetch(url, { method, headers, body, redirect: 'manual' });
  storeCookies(res);
  const location = res.headers.get('location');
  console.log(`${method} ${url}${form ? ` ${JSON.stringify(form)}` : ''} -> ${res.status}${location ? ` Location: ${location}` : ''}`
    + ` set-cookie: [${res.headers.getSetCookie().map((c) => c.split('=')[0]).join(', ')}]`);
  return { res, location: location && new URL(location, url).href, text: await res.text() };
}

// The dev interactions' HTML: one <form action="..." method="post"> and
// <input type="hidden" name="prompt" value="login|consent"/>.
const FORM_ACTION = /<form[^>]*\baction="([^"]+)"/;
const PROMPT = /<input type="hidden" name="prompt" value="([a-z]+)"\s*\/?>/;
const unescapeHtml = (s) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

try {
  // 1. discovery
  const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  check(discovery.issuer === issuer, 'issuer');
  console.log(`authorization_endpoint=${discovery.authorization_endpoint} token_endpoint=${discovery.token_endpoint}`);

  // 2. authorization request with PKCE S256, state, nonce
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(12).toString('base64url');
  const nonce = randomBytes(12).toString('base64url');
  const auth = new URL(discovery.authorization_endpoint);
  auth.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();

  // 3. follow redirects by hand; answer each interaction form
  let next = auth.href;
  let callback;
  for (let i = 0; i < 10 && !callback; i += 1) {
    const { res, location, text } = await request('GET', next);
    if (location) {
      if (location.startsWith(redirectUri)) { callback = new URL(location); break; }
      next = location;
      continue;
    }
    check(res.status === 200, `status ${res.status}: ${text}`);
    const action = unescapeHtml(FORM_ACTION.exec(text)?.[1] ?? '');
    const prompt = PROMPT.exec(text)?.[1];
    check(action && prompt, `no interaction form in ${text}`);
    const form = prompt === 'login' ? { prompt, login: email, password: 'anything' } : { prompt };
    const posted = await request('POST', new URL(action, next).href, form);
    check(posted.res.status === 303 && posted.location, 'submit should 303');
    next = posted.location;
  }
  check(callback, 'never reached redirect_uri');
  check(callback.searchParams.get('state') === state, 'state');
  check(!callback.searchParams.get('error'), `error ${callback.search}`);
  const code = callback.searchParams.get('code');
  check(code, 'code');

  // 4. token request: client_secret_basic (or _post) + code_verifier
  const post = process.env.TOKEN_AUTH === 'post';
  const tokenHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
  const tokenForm = {
    grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier,
  };
  if (post) {
    Object.assign(tokenForm, { client_id: clientId, client_secret: clientSecret });
  } else {
    tokenHeaders.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
  }
  const tokenRes = await fetch(discovery.token_endpoint, {
    method: 'POST', headers: tokenHeaders, body: new URLSearchParams(tokenForm).toString(),
  });
  const tokens = await tokenRes.json();
  console.log(`POST ${discovery.token_endpoint} (client_secret_${post ? 'post' : 'basic'}) -> ${tokenRes.status}`);
  check(tokenRes.status === 200, JSON.stringify(tokens));
  // Verify the ID token's signature against the provider's JWKS, with iss/aud.
  const { payload: claims, protectedHeader } = await jwtVerify(
    tokens.id_token,
    createRemoteJWKSet(new URL(discovery.jwks_uri)),
    { issuer, audience: clientId, algorithms: discovery.id_token_signing_alg_values_supported },
  );
  console.log('id_token header:', protectedHeader);
  console.log('id_token claims:', claims);
  check(claims.email === email && claims.sub === email && claims.email_verified === true, 'email claims');
  check(typeof claims.name === 'string' && claims.name.length > 0, 'name claim');
  check(claims.nonce === nonce, 'nonce');
  check(claims.iss === issuer && claims.aud === clientId, 'iss/aud');

  // 5. userinfo gives the same claims
  const userinfoRes = await fetch(discovery.userinfo_endpoint, {
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  const userinfo = await userinfoRes.json();
  console.log(`GET ${discovery.userinfo_endpoint} -> ${userinfoRes.status}`, userinfo);
  check(userinfo.email === email && userinfo.name === claims.name, 'userinfo');
  console.log('OK');
} finally {
  child.kill('SIGTERM');
  const [codeOrNull, signal] = await once(child, 'exit');
  console.log(`provider exited: code=${codeOrNull} signal=${signal}`);
  if (codeOrNull !== 0) process.exitCode = 1;
}
