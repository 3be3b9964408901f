// What the kernel's variable inspector (inspector.py, run inside the kernel) answers, in TypeScript.

/**
 * One step from a variable to a value inside it: `['i', n]` the n-th item (of a list, tuple, set,
 * dict — a dict's n-th key in its order — or an array's n-th row), `['a', name]` an attribute.
 */
export type PathStep = ['i', number] | ['a', string];
/** A variable's name, then the steps into it. */
export type VariablePath = [string, ...PathStep[]];

/** What kind of name it is: the view hides modules, functions, classes and IPython's own names unless asked. */
export type VariableKind = 'data' | 'module' | 'function' | 'class' | 'ipython';

export interface VariableSummary {
  name: string;
  /** The type's name (`int`, `DataFrame`, `ndarray`, `mymodule.Point`). */
  type: string;
  /** len() of a container the inspector knows (never a user object's own __len__). */
  size?: number;
  /** An array's or a frame's shape. */
  shape?: number[];
  /** A short preview, capped (a value never comes in full); built without calling the object's own code. */
  value: string;
  kind: VariableKind;
  /** How many children it has, when it can be expanded (items, rows, attributes). */
  children?: number;
  /** It can open in the data viewer (a DataFrame, a Series, a 1-D or 2-D array, a list of dicts). */
  table?: boolean;
  path: VariablePath;
}

export interface VariableList {
  variables: VariableSummary[];
  /** How many names matched before the page was cut. */
  total: number;
  /** Which channel answered: our subshell, the main shell (idle kernel), or `inspectVariables` on control. */
  via: 'subshell' | 'shell' | 'control';
}

export interface TableColumn {
  name: string;
  /** The column's type as its library names it (`int64`, `object`, `datetime64[ns]`, `str`). */
  dtype: string;
  /** Numbers: numeric filters (`<`, `>=`…) apply; otherwise text filters. */
  numeric: boolean;
}

export type FilterOp = 'contains' | '==' | '!=' | '<' | '<=' | '>' | '>=';

export interface TableQuery {
  sort?: { column: number; ascending: boolean };
  filter?: { column: number; op: FilterOp; value: string };
}

/** One page of a table (a DataFrame, Series, array or list of dicts), after the query's filter and sort. */
export interface TablePage {
  /** The table's type and shape, as the Variables view shows it (`DataFrame`, [1000000, 10]). */
  type: string;
  columns: TableColumn[];
  /** The row labels of this page (a DataFrame's index; positions otherwise). */
  index: (string | number)[];
  /** Cells as JSON values: numbers, strings (capped), booleans, null for missing. */
  rows: (string | number | boolean | null)[][];
  /** The first row's position in the filtered, sorted table. */
  start: number;
  /** Rows after the filter. */
  total: number;
  /** Rows before the filter. */
  rowCount: number;
}

/** The kernel's resources, from `usage_request` (ipykernel ≥ 6.7 with psutil). */
export interface KernelUsage {
  /** The kernel process's CPU, percent of one core. */
  kernelCpu?: number;
  /** The kernel process's resident memory, bytes. */
  kernelMemory?: number;
  hostCpuPercent?: number;
  cpuCount?: number;
  hostMemoryTotal?: number;
  hostMemoryAvailable?: number;
}
