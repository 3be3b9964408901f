// Runs inside code-server's extension host (extensionTestsPath): mocha over the suite built next to it
// (suite/index.js: every capability's tests, in the order suite/index.ts gives).
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 90000, color: false, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'suite', 'index.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
  });
}
