// Widget state travels as JSON with its binary values (an Image's bytes, a NumPy array) taken out as
// separate buffers, each named by the path of keys and indices where it belongs (`buffer_paths`).

export type JsonRecord = Record<string, unknown>;
export type BufferPath = (string | number)[];

export const isJsonObject = (v: unknown): v is JsonRecord => !!v && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);

/** A copy of `state` with each buffer put at its path (containers on the way are copied, not shared). */
export function putBuffers(state: JsonRecord, buffers: { path: BufferPath; data: Buffer }[]): JsonRecord {
  const root: JsonRecord = { ...state };
  for (const { path, data } of buffers) {
    if (!path.length) continue;
    let here: Record<string | number, unknown> = root;
    for (let i = 0; i < path.length - 1; i++) {
      const next = here[path[i]];
      const copy = Array.isArray(next) ? [...next] : isJsonObject(next) ? { ...next } : typeof path[i + 1] === 'number' ? [] : {};
      here[path[i]] = copy;
      here = copy as Record<string | number, unknown>;
    }
    here[path[path.length - 1]] = data;
  }
  return root;
}

/** The state with every Buffer taken out: JSON, the path of each buffer, and the buffers in that order. */
export function takeBuffers(state: JsonRecord): { state: JsonRecord; paths: BufferPath[]; buffers: Buffer[] } {
  const paths: BufferPath[] = [];
  const buffers: Buffer[] = [];
  const walk = (value: unknown, path: BufferPath): unknown => {
    if (Buffer.isBuffer(value)) {
      paths.push(path);
      buffers.push(value);
      return null;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (isJsonObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    return value;
  };
  return { state: walk(state, []) as JsonRecord, paths, buffers };
}
