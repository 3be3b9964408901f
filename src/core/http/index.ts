export * from './errors';
export { HttpSession } from './http-session';
export type { Credentials, HttpResponse, HttpSessionOptions, RequestOptions } from './http-session';
export { fetchPeerCertificate, normalizeFingerprint } from './tls';
export type { PeerCertificate, TlsTrust } from './tls';
export { matchesNoProxy, resolveProxy } from './proxy';
export { openServerSocket } from './web-socket';
export type { ServerSocket, ServerSocketOptions } from './web-socket';
