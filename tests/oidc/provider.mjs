// A real OpenID Connect provider (the certified `oidc-provider`) for the test session only.
// tests/oidc/conftest.py starts it on loopback with:
//   OIDC_PORT           the port on 127.0.0.1; the issuer is http://127.0.0.1:<port>
//   OIDC_AUDIENCE       the API's resource indicator: access tokens are JWTs for it
//   OIDC_SIGNING_JWK    the private JWK it signs with (made by the tests, published here)
//   OIDC_CLIENTS        {clientId: {secret, name, groups}}: client-credentials clients whose
//                       tokens carry `name` and `groups` like a person's would
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider, { errors } from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const audience = process.env.OIDC_AUDIENCE;
const signingKey = JSON.parse(process.env.OIDC_SIGNING_JWK);
const people = JSON.parse(process.env.OIDC_CLIENTS);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  cookies: { keys: [randomBytes(32).toString('hex')] },
  clients: Object.entries(people).map(([clientId, person]) => ({
    client_id: clientId,
    client_secret: person.secret,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_post',
  })),
  jwks: { keys: [signingKey] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resourceIndicator) => {
        if (resourceIndicator !== audience) {
          throw new errors.InvalidTarget();
        }
        return {
          scope: 'api',
          audience,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: signingKey.alg } },
        };
      },
    },
  },
  extraTokenClaims: (ctx, token) => {
    const person = people[token.clientId];
    return person ? { name: person.name, groups: person.groups } : undefined;
  },
});

const server = createServer(provider.callback());
server.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
