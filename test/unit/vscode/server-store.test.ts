import assert from 'node:assert/strict';
import { ServerStore, parseSecret, secretKey, validateRecord } from '../../../src/vscode/servers/server-store';
import { MemorySecrets, MemoryState } from '../../support/memory-storage';

const entry = { name: 'lab box', baseUrl: 'http://10.0.0.5:8888/', auth: 'token' as const };

describe('ServerStore: the server list in globalState, secrets in SecretStorage', () => {
  let state: MemoryState;
  let secrets: MemorySecrets;
  let store: ServerStore;
  beforeEach(() => {
    state = new MemoryState();
    secrets = new MemorySecrets();
    store = new ServerStore(state, secrets);
  });

  it('keeps the token only in the secret store, never in the list', async () => {
    const record = await store.add(entry, { token: 'tok-1234567890' });
    assert.equal(state.data.get('jupyterRemote.servers')?.includes('tok-1234567890'), false);
    assert.deepEqual(await store.secret(record.id), { token: 'tok-1234567890' });
    assert.deepEqual(store.list().map((s) => s.name), ['lab box']);
    assert.ok(secrets.data.has(secretKey(record.id)));
  });

  it('connecting again to the same base URL replaces the entry and its secret', async () => {
    const first = await store.add(entry, { token: 'old-token-1' });
    const second = await store.add({ ...entry, auth: 'password' }, { password: 'new-pass' });
    assert.equal(second.id, first.id);
    assert.equal(store.list().length, 1);
    assert.deepEqual(await store.secret(first.id), { password: 'new-pass' });
  });

  it('removing a server deletes its secret and unsets it as active', async () => {
    const a = await store.add(entry, { token: 'tok-aaaaaa' });
    const b = await store.add({ ...entry, baseUrl: 'https://hub.example.org/user/me/' }, { token: 'tok-bbbbbb' });
    await store.setActive(a.id);
    let changes = 0;
    store.onDidChange(() => changes++);
    await store.remove(a.id);
    assert.equal(store.activeId, undefined);
    assert.equal(await store.secret(a.id), undefined);
    assert.deepEqual(await store.secret(b.id), { token: 'tok-bbbbbb' });
    assert.deepEqual(store.list().map((s) => s.id), [b.id]);
    assert.ok(changes >= 1);
  });

  it('skips and reports corrupt entries, keeps the good ones, and does not drop the bad ones on the next write', async () => {
    const good = await store.add(entry, { token: 'tok-good-1' });
    const list = state.get<unknown[]>('jupyterRemote.servers')!;
    const bad = [42, { id: 'x1', name: 'n', baseUrl: 'not a url', auth: 'token' }, { id: 'x2', name: 'n', baseUrl: 'http://h/?token=abc', auth: 'token' }, { id: 'x3', name: 'n', baseUrl: 'http://h/', auth: 'kerberos' }];
    await state.update('jupyterRemote.servers', [...list, ...bad]);
    assert.deepEqual(store.list().map((s) => s.id), [good.id]);
    assert.equal(store.problems.length, 4);
    await store.update(good.id, { name: 'renamed' });
    assert.equal(state.get<unknown[]>('jupyterRemote.servers')!.length, 5, 'what it cannot read is kept as it was');
    assert.equal(store.get(good.id)?.name, 'renamed');
  });

  it('a list that is not a list is reported, not fatal', () => {
    void state.update('jupyterRemote.servers', { oops: true });
    assert.deepEqual(store.list(), []);
    assert.match(store.problems[0], /not a list/);
  });

  it('a failed list write leaves no orphan secret behind', async () => {
    state.failWrites = true;
    await assert.rejects(store.add(entry, { token: 'tok-orphan' }), /disk full/);
    assert.equal(secrets.data.size, 0);
  });

  it('validates what it reads back from the keychain', () => {
    assert.equal(parseSecret(undefined), undefined);
    assert.equal(parseSecret('not json'), undefined);
    assert.equal(parseSecret('{"token": 5}'), undefined);
    assert.equal(parseSecret('[]'), undefined);
    assert.deepEqual(parseSecret('{"token":"abc","extra":1}'), { token: 'abc' });
  });

  it('refuses records with a token in the URL or a malformed fingerprint', () => {
    assert.equal(typeof validateRecord({ id: 'a', name: 'n', baseUrl: 'http://h:1/?token=x', auth: 'token' }), 'string');
    assert.equal(typeof validateRecord({ id: 'a', name: 'n', baseUrl: 'http://h:1/', auth: 'token', fingerprint: 'AB' }), 'string');
    const ok = validateRecord({ id: 'a', name: ' n ', baseUrl: 'https://h:1/b/', auth: 'none', fingerprint: Array(32).fill('AB').join(':') });
    assert.equal(typeof ok, 'object');
  });

  it('lists the most recently used first', async () => {
    const a = await store.add(entry, undefined);
    await new Promise((r) => setTimeout(r, 5));
    await store.add({ ...entry, baseUrl: 'http://other:1/' }, undefined);
    await new Promise((r) => setTimeout(r, 5));
    await store.setActive(a.id);
    assert.equal(store.list()[0].id, a.id);
    assert.equal(store.activeId, a.id);
  });
});
