// What the bundles give `ws` for `require('https')`: see ./http.ts. A request keeps https's default
// agent (as https.request does) for the case no connection is supplied; ours always supplies one.
import * as http from 'node:http';
import * as https from 'node:https';

export * from 'node:https';

export function request(options: https.RequestOptions, callback?: (res: http.IncomingMessage) => void): http.ClientRequest {
  return new http.ClientRequest({ _defaultAgent: https.globalAgent, ...options } as http.RequestOptions, callback);
}

export function get(options: https.RequestOptions, callback?: (res: http.IncomingMessage) => void): http.ClientRequest {
  const req = request(options, callback);
  req.end();
  return req;
}
