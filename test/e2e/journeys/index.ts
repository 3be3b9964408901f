// Every UI journey, one file per capability (servers, notebooks, files, terminal, widgets, debug, variables, sync, language, hub), listed here in the
// order they run. A journey keeps its number (`JR_E2E_ONLY=12` runs journey 12 after its set-ups, `needs`) and
// its slug (its screenshots are test-results/e2e/NN-slug.png):
//
//    1 token-url                  servers       13 widgets                    widgets
//    2 server-list                servers       14 beside-microsoft-jupyter   widgets
//    3 password                   servers       15 reload-mid-cell            notebooks
//    4 rich-outputs               notebooks     16 kernel-gone                notebooks
//    5 input                      notebooks     17 leftover-kernel            notebooks
//    6 interrupt-restart          notebooks     18 server-terminal            terminal
//    7 self-signed-tls            servers       19 kernel-completions         notebooks
//    8 remove-server              servers       20 debug-cell                 debug
//    9 big-output                 notebooks     21 run-by-line                debug
//   10 token-url-today            servers       22 debug-server-file          debug
//   11 rich-outputs-today         notebooks     23 debug-interrupt            debug
//   12 server-folder              files         24 variables-while-running    variables
//                                               25 data-viewer                variables
//                                               26 project-sync               sync
//                                               27 no-debugger                debug
//                                               28 traceback-link             debug
//                                               29 language-problems          language
//                                               30 language-hover             language
//                                               31 language-definition        language
//                                               32 hub-profile                hub
//
// A new journey takes the next number, whatever its capability.
import { debugJourneys } from './debug';
import { fileJourneys } from './files';
import { hubJourneys } from './hub';
import { languageJourneys } from './language';
import { notebookJourneys } from './notebooks';
import { serverJourneys } from './servers';
import { syncJourneys } from './sync';
import { terminalJourneys } from './terminal';
import { variableJourneys } from './variables';
import { widgetJourneys } from './widgets';
import type { Journey } from './world';

export { World } from './world';
export type { Journey, Steps } from './world';

/** The journeys in the order they run: by number. */
export const journeys: Journey[] = [...serverJourneys, ...notebookJourneys, ...fileJourneys, ...terminalJourneys, ...widgetJourneys, ...debugJourneys, ...variableJourneys, ...syncJourneys, ...languageJourneys, ...hubJourneys].sort((a, b) => a.id - b.id);

// Numbered 1, 2, 3… without a gap or a twice-used number, and set up only by journeys that run before them.
for (const [i, j] of journeys.entries()) {
  if (j.id !== i + 1) throw new Error(`journey numbers: expected ${i + 1}, found ${j.id} (${j.slug})`);
  if (j.needs?.some((n) => n >= j.id)) throw new Error(`journey ${j.id} (${j.slug}) needs a journey that runs after it: ${j.needs.join(', ')}`);
}
