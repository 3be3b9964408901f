import { JupyterError, NetworkError, TimeoutError, TlsError } from './errors';
import { TlsTrust, fetchPeerCertificate } from './tls';

const UNTRUSTED_CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

function errorCode(e: unknown): string {
  const err = e as { code?: string; cause?: { code?: string; cause?: { code?: string } } };
  return err?.cause?.cause?.code ?? err?.cause?.code ?? err?.code ?? '';
}

function errorMessage(e: unknown): string {
  const err = e as { message?: string; cause?: { message?: string } };
  return `${err?.message ?? ''} ${err?.cause?.message ?? ''}`;
}

/**
 * Turns what Node or OpenSSL threw into one typed error whose message says what to do.
 * For an untrusted certificate it fetches the certificate (no data sent) to show its fingerprint.
 */
export async function toConnectionError(e: unknown, url: URL, trust: TlsTrust | undefined): Promise<JupyterError> {
  if (e instanceof JupyterError) return e;
  const code = errorCode(e);
  const message = errorMessage(e);
  const where = url.host;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));

  if (UNTRUSTED_CERT_CODES.has(code)) {
    let fingerprint: string | undefined;
    let subject: string | undefined;
    try {
      const cert = await fetchPeerCertificate(host, port, { timeoutMs: 5000 });
      fingerprint = cert.fingerprint256;
      subject = cert.subject;
    } catch {
      // the fingerprint is a courtesy; the error stands without it
    }
    const what =
      code === 'CERT_HAS_EXPIRED' ? 'has expired'
      : code === 'CERT_NOT_YET_VALID' ? 'is not valid yet'
      : code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH' ? `is not issued for ${host}`
      : 'is not signed by an authority this machine trusts';
    const fix = trust?.ca
      ? 'check that the CA file is the one that signed it'
      : 'trust it by its fingerprint if you recognise it, or give the CA file that signed it';
    return new TlsError(
      `The certificate of ${where} ${what}${fingerprint ? ` (SHA-256 ${fingerprint})` : ''}: ${fix}.`,
      code,
      fingerprint,
      subject,
    );
  }
  if (/wrong version number|packet length too long|unknown protocol/i.test(message) || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO') {
    return new TlsError(`${where} does not speak TLS: try http:// instead of https://.`, code || 'EPROTO');
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new NetworkError(`Nothing is listening at ${where}: check that the Jupyter server is running and that the host and port are right.`, code);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new NetworkError(`The host name ${host} could not be resolved: check the spelling, your network, or use its IP address.`, code);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new NetworkError(`${where} cannot be reached from this machine: check your network or VPN.`, code);
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new TimeoutError(`Connecting to ${where} timed out: check that the host is reachable and no firewall blocks the port.`);
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return new TimeoutError(`${where} stopped answering in the middle of a request: check that the server is not overloaded.`);
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return new NetworkError(
        url.protocol === 'http:'
          ? `${where} closed the connection without answering: if the server uses TLS, use https:// instead of http://.`
          : `${where} closed the connection without answering: check the address, and any proxy in between.`,
        code,
      );
    default:
      return new NetworkError(`Could not reach ${where}: ${message.trim() || code || 'unknown network error'}.`, code || 'UNKNOWN');
  }
}
