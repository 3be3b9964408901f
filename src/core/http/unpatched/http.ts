// What the bundles give `ws` for `require('http')` (esbuild.mjs). Inside VS Code, `http.request` and
// `https.request` are replaced for extensions (its proxy support, `http.proxySupport`), and the
// replacement swaps a request's agent for its own, which ignores the socket we already dialled,
// verified (CA or pinned certificate) and tunnelled, and connects again with default TLS checks: the
// kernel WebSocket of a self-signed server then fails, and our proxy rules are bypassed. A
// ClientRequest made directly (what http.request does) is not replaced. Plain Node is unaffected.
import * as http from 'node:http';

export * from 'node:http';

export function request(options: http.RequestOptions, callback?: (res: http.IncomingMessage) => void): http.ClientRequest {
  return new http.ClientRequest(options, callback);
}

export function get(options: http.RequestOptions, callback?: (res: http.IncomingMessage) => void): http.ClientRequest {
  const req = request(options, callback);
  req.end();
  return req;
}
