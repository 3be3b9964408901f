/**
 * Notebooks that more than one tier runs. Cell 3 shows a display that cells 5 and 7 update: a
 * written or saved notebook must hold `<b>v3</b>` in cell 3, as nbclient writes it, and no output in 5 or 7.
 */
export const DISPLAY_UPDATED_BY_LATER_CELLS = [
  'from IPython.display import HTML, display',
  'print("before")',
  "h = display(HTML('<b>v1</b>'), display_id=True)",
  'x = 1',
  "h.update(HTML('<b>v2</b>'))",
  'y = 2',
  "h.update(HTML('<b>v3</b>'))",
];
