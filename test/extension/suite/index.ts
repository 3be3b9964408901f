// Extension-host tests: inside a real VS Code (code-server), against real Jupyter servers the runner
// started (JR_TEST_SERVERS). They drive the extension through its commands and VS Code's notebook API.
//
// One suite, its tests in one file per capability, run in this order: each builds on those before it (the
// server connected first is the one the file and notebook tests use; removing it is the last of them). The
// widgets and language groups each connect the server of today's stack: mocha runs nested groups after them.
import { debugTests } from './debug.test';
import { fileTests } from './files.test';
import { languageAbsentTests, languageTests } from './language.test';
import { notebookTests } from './notebooks.test';
import { serverConnectTests, serverRemovalTests } from './servers.test';
import { activation } from './shared';
import { variablesTests } from './variables.test';
import { widgetTests } from './widgets.test';

describe('Jupyter Remote inside VS Code', function () {
  activation();
  serverConnectTests();
  fileTests();
  notebookTests();
  debugTests();
  variablesTests();
  languageAbsentTests();
  describe('widgets', widgetTests);
  describe('language', languageTests);
  serverRemovalTests();
});
