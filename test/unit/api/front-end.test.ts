import assert from 'node:assert/strict';
import { frontEndOfPage } from '../../../src/core/api/front-end';

describe('the front end a page names (jupyter-config-data)', () => {
  it('reads appName and appVersion from JupyterLab and Notebook 7 pages', () => {
    const page = (config: string) => `<html><head><script id="jupyter-config-data" type="application/json">${config}</script></head></html>`;
    assert.deepEqual(frontEndOfPage(page('{"appName": "JupyterLab", "appVersion": "4.6.4", "baseUrl": "/"}')), { name: 'JupyterLab', version: '4.6.4' });
    assert.deepEqual(frontEndOfPage(page('{\n  "appName": "Jupyter Notebook",\n  "appVersion": "7.6.3"\n}')), { name: 'Jupyter Notebook', version: '7.6.3' });
    assert.deepEqual(frontEndOfPage(page('{"appName": "Voila"}')), { name: 'Voila' });
  });

  it('says nothing for pages without it, or with config that is not JSON', () => {
    assert.equal(frontEndOfPage('<html><title>Jupyter Server</title></html>'), undefined);
    assert.equal(frontEndOfPage('<script id="jupyter-config-data">{ nope</script>'), undefined);
    assert.equal(frontEndOfPage('<script id="jupyter-config-data">["JupyterLab"]</script>'), undefined);
    assert.equal(frontEndOfPage('<script id="jupyter-config-data">{"appVersion": "4"}</script>'), undefined);
  });
});
