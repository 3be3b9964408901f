/**
 * The few Language Server Protocol shapes we use (LSP 3.17), as they travel. Answers from a server are
 * checked where they are read: a server shared with other clients may be any version.
 */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Location {
  uri: string;
  range: Range;
}

export interface Diagnostic {
  range: Range;
  message: string;
  /** 1 error, 2 warning, 3 information, 4 hint. */
  severity?: number;
  code?: string | number;
  source?: string;
  /** 1 unnecessary (faded), 2 deprecated (struck through). */
  tags?: number[];
}

export interface MarkupContent {
  kind: 'plaintext' | 'markdown';
  value: string;
}

/** A hover's contents in any of the protocol's forms, as one Markdown or plain text. */
export interface HoverText {
  markdown: boolean;
  value: string;
}

export interface SignatureHelp {
  signatures: { label: string; documentation?: HoverText; parameters: { label: string | [number, number]; documentation?: HoverText }[] }[];
  activeSignature: number;
  activeParameter: number;
}

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: number;
  range: Range;
  selectionRange: Range;
  children: DocumentSymbol[];
}

export interface CompletionEntry {
  label: string;
  kind?: number;
  detail?: string;
  documentation?: HoverText;
  insertText?: string;
  sortText?: string;
  filterText?: string;
  /** The range the completion replaces, when the server gave one. */
  range?: Range;
}
