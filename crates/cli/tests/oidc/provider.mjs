// A real OpenID Connect provider (npm `oidc-provider`) for Goldthread's
// single sign-on end-to-end test. See README.md in this directory.
//
// Environment:
//   PORT                 port on 127.0.0.1 (default 0 = any free port)
//   OIDC_CLIENT_ID       client_id of the one static client (default "goldthread")
//   OIDC_CLIENT_SECRET   its secret (default "secret")
//   OIDC_REDIRECT_URI    its redirect URIs, comma separated (required)
//
// stdout carries exactly one line, `listening http://127.0.0.1:NNNN`, once
// the provider accepts connections; the issuer is that URL. Everything else
// (including oidc-provider's development notices) goes to stderr.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

// oidc-provider prints notices with console.info (stdout); keep stdout for
// the single "listening" line that the test reads.
console.info = console.warn;
console.log = console.warn;

const port = Number.parseInt(process.env.PORT ?? '0', 10);
const clientId = process.env.OIDC_CLIENT_ID || 'goldthread';
const clientSecret = process.env.OIDC_CLIENT_SECRET || 'secret';
const redirectUris = (process.env.OIDC_REDIRECT_URI ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

if (redirectUris.length === 0) {
  console.error('provider.mjs: set OIDC_REDIRECT_URI (comma-separated redirect URIs)');
  process.exit(2);
}

// "alice.smith+test@example.com" -> "Alice Smith"
function nameFromEmail(email) {
  const local = String(email).split('@')[0].split('+')[0];
  const words = local.split(/[._-]+/).filter(Boolean);
  if (words.length === 0) return String(email);
  return words.map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
}

// Any login name is accepted by the dev interactions; the login name is the
// account id, and is meant to be an email address.
async function findAccount(_ctx, id) {
  const email = String(id);
  return {
    accountId: email,
    async claims(_use, _scope, _claims, _rejected) {
      return {
        sub: email,
        email,
        email_verified: true,
        name: nameFromEmail(email),
      };
    },
  };
}

// Bind first, so that the issuer can carry the real port.
const server = createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, '127.0.0.1', resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ format: 'jwk' });

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  // Let the same client also authenticate with client_secret_post.
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  responseTypes: ['code'],
  pkce: { required: () => true }, // S256 is the only method supported
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  scopes: ['openid', 'email', 'profile'],
  // Put the claims of the requested scopes in the ID token too, not only in
  // the userinfo response.
  conformIdTokenClaims: false,
  findAccount,
  features: {
    devInteractions: { enabled: true }, // login form (any name) + consent form
  },
  jwks: { keys: [{ ...signingKey, use: 'sig', alg: 'RS256' }] },
  cookies: {
    keys: [randomBytes(32).toString('base64url')],
    // Cookies are not isolated by port: a test client's jar sends these to
    // Goldthread on 127.0.0.1 too, so use names Goldthread will not.
    names: { session: 'op_session', interaction: 'op_interaction', resume: 'op_resume' },
  },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    IdToken: 3600,
    Interaction: 3600,
    Session: 3600,
    Grant: 3600,
  },
  renderError(ctx, out, error) {
    console.warn('provider.mjs: error', error);
    ctx.type = 'json';
    ctx.body = out;
  },
});

provider.on('server_error', (_ctx, err) => console.warn('provider.mjs: server_error', err));
provider.on('grant.error', (_ctx, err) => console.warn('provider.mjs: grant.error', err));

server.on('request', provider.callback());

process.stdout.write(`listening ${issuer}\n`);

function shutdown(signal) {
  console.warn(`provider.mjs: ${signal}, shutting down`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
