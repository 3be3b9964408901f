import assert from 'node:assert/strict';
import { hubRootOf } from '../../../src/core/api/hub';

describe('hubRootOf: the Hub behind a user server URL', () => {
  it('drops /user/NAME[/SERVER]/… and keeps the Hub base_url', () => {
    assert.equal(hubRootOf('https://hub.example.org/user/alice/'), 'https://hub.example.org/');
    assert.equal(hubRootOf('https://hub.example.org/user/alice/gpu/lab/tree/x.ipynb'), 'https://hub.example.org/');
    assert.equal(hubRootOf(new URL('http://127.0.0.1:8000/jupyterhub/user/bob/')), 'http://127.0.0.1:8000/jupyterhub/');
  });
});
