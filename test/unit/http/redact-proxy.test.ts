import assert from 'node:assert/strict';
import { resolveResource } from '../../../src/core/api/kernelspecs';
import { matchesNoProxy, resolveProxy } from '../../../src/core/http';
import { Redactor } from '../../../src/core/util/logger';

describe('Redactor', () => {
  it('removes token, password and xsrf values from URLs and forms', () => {
    const r = new Redactor();
    assert.equal(r.redact('GET http://h:8888/lab?token=abc123&x=1'), 'GET http://h:8888/lab?token=<redacted>&x=1');
    assert.equal(r.redact('body password=hunter2&_xsrf=2|aa|bb|1'), 'body password=<redacted>&_xsrf=<redacted>');
  });

  it('removes Authorization values of every scheme and X-XSRFToken', () => {
    const r = new Redactor();
    for (const scheme of ['token', 'Bearer', 'basic']) {
      assert.equal(r.redact(`{"Authorization": "${scheme} s3cr3t"}`), `{"Authorization": "${scheme} <redacted>"}`);
    }
    assert.equal(r.redact('X-XSRFToken: 2|abc|def|123'), 'X-XSRFToken: <redacted>');
  });

  it('keeps cookie names and hides login and xsrf cookie values', () => {
    const r = new Redactor();
    const line = 'Cookie: username-127-0-0-1-8888="2|1:0|10:17|24:u|44:Zm=|cd"; _xsrf=2|02|0d|17';
    assert.equal(r.redact(line), 'Cookie: username-127-0-0-1-8888=<redacted>; _xsrf=<redacted>');
  });

  it('removes a registered secret wherever it appears, raw or URL-encoded', () => {
    const r = new Redactor();
    r.add('p@ss word/1');
    assert.equal(r.redact('failed for p@ss word/1 and p%40ss%20word%2F1'), 'failed for <redacted> and <redacted>');
    r.add('ab'); // too short to redact safely: ignored
    assert.equal(r.redact('abc'), 'abc');
  });
});

describe('Redactor and our own hints', () => {
  it('leaves the placeholders our hints write, and the "..." servers print, as they are', () => {
    const r = new Redactor();
    for (const text of [
      'add ?token=YOUR_TOKEN to the URL.',
      'paste a URL such as http://host:8888/?token=YOUR_TOKEN or the output',
      'The token in the URL is hidden (?token=...): set JUPYTER_TOKEN',
      'http://h:8888/?token=…&x=1',
      'password=YOUR_PASSWORD, then',
      'GET http://h/?token=<redacted>',
    ]) {
      assert.equal(r.redact(text), text);
    }
  });

  it('still removes a secret that only starts like a placeholder, and a registered secret whatever it is', () => {
    const r = new Redactor();
    assert.equal(r.redact('?token=YOUR_TOKENabc123 and ?token=...abc'), '?token=<redacted> and ?token=<redacted>');
    assert.equal(r.redact('?token=YOUR_TOKEN).x'), '?token=<redacted>');
    r.add('YOUR_TOKEN');
    assert.equal(r.redact('?token=YOUR_TOKEN'), '?token=<redacted>');
  });
});

describe('proxy selection', () => {
  const u = (s: string) => new URL(s);
  it('picks HTTPS_PROXY for https, HTTP_PROXY for http, ALL_PROXY for both, lower case too', () => {
    const env = { HTTPS_PROXY: 'http://secure:3128', http_proxy: 'plain:3128' };
    assert.equal(resolveProxy(u('https://h/'), env)?.host, 'secure:3128');
    assert.equal(resolveProxy(u('http://h/'), env)?.host, 'plain:3128');
    assert.equal(resolveProxy(u('http://h/'), { ALL_PROXY: 'http://all:1' })?.host, 'all:1');
    assert.equal(resolveProxy(u('http://h/'), {}), undefined);
    assert.equal(resolveProxy(u('http://h/'), env, null), undefined, 'null: no proxy');
    assert.equal(resolveProxy(u('http://h/'), {}, 'http://explicit:9')?.host, 'explicit:9');
    assert.equal(resolveProxy(u('http://h/'), { HTTP_PROXY: 'socks5://x:1' }), undefined, 'unsupported proxy schemes are not used');
  });

  it('NO_PROXY: *, suffixes, exact hosts, ports, IPv6, CIDR', () => {
    assert.ok(matchesNoProxy(u('http://a.corp.example/'), '.corp.example'));
    assert.ok(matchesNoProxy(u('http://a.corp.example/'), 'corp.example'));
    assert.ok(matchesNoProxy(u('http://corp.example/'), '*.corp.example'));
    assert.ok(!matchesNoProxy(u('http://notcorp.example/'), 'corp.example'));
    assert.ok(matchesNoProxy(u('http://anything/'), '*'));
    assert.ok(matchesNoProxy(u('http://127.0.0.1:8888/'), 'localhost, 127.0.0.1'));
    assert.ok(matchesNoProxy(u('http://h:8888/'), 'h:8888'));
    assert.ok(!matchesNoProxy(u('http://h:9999/'), 'h:8888'));
    assert.ok(matchesNoProxy(u('http://[::1]:8888/'), '::1'));
    assert.ok(matchesNoProxy(u('http://10.1.2.3/'), '10.0.0.0/8'));
    assert.ok(!matchesNoProxy(u('http://11.1.2.3/'), '10.0.0.0/8'));
    assert.ok(!matchesNoProxy(u('http://h/'), ''));
  });
});

describe('kernelspec resource URLs', () => {
  it('puts base_url in front of server-absolute resource paths, once', () => {
    const base = new URL('http://h:1/user/alice/');
    assert.equal(resolveResource(base, '/kernelspecs/python3/logo-64x64.png'), 'http://h:1/user/alice/kernelspecs/python3/logo-64x64.png');
    assert.equal(resolveResource(base, '/user/alice/kernelspecs/python3/logo-64x64.png'), 'http://h:1/user/alice/kernelspecs/python3/logo-64x64.png');
    assert.equal(resolveResource(base, 'https://cdn/x.png'), 'https://cdn/x.png');
  });
});
