/** Reading rows the same way on PGlite and pg: NULL becomes undefined, timestamps become Dates. */
export type Row = Record<string, unknown>;
export const text = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
export const date = (v: unknown) => (v === null || v === undefined ? undefined : new Date(v as Date | string));
