import { NbOutput } from '../core/kernel';

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** How a cell's rich output reads in a terminal: text/plain, else a note of what it is. */
export function outputAsText(output: NbOutput, color: boolean): string {
  switch (output.output_type) {
    case 'stream':
      return output.text;
    case 'error': {
      const tb = output.traceback.length ? output.traceback.join('\n') : `${output.ename}: ${output.evalue}`;
      return `${color ? tb : tb.replace(ANSI, '')}\n`;
    }
    default: {
      const data = output.data;
      if (typeof data['text/plain'] === 'string') return `${data['text/plain']}\n`;
      const kinds = Object.keys(data);
      return `[${kinds.join(', ') || 'empty output'}]\n`;
    }
  }
}
