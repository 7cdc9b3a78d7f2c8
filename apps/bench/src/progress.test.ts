import { describe, expect, it } from 'vitest';
import { ProgressLine, type ProgressStream } from './progress.js';

function collector(isTTY: boolean): ProgressStream & { text: string } {
  return {
    isTTY,
    columns: 40,
    text: '',
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

describe('ProgressLine', () => {
  it('writes plain lines when not on a TTY, dropping repeats', () => {
    const stream = collector(false);
    const progress = new ProgressLine(stream);
    progress.update('pool', 'round 1/5');
    progress.update('pool', 'round 1/5');
    progress.update('pool', 'round 2/5');
    progress.log('note: something');
    expect(stream.text).toBe('[pool] round 1/5\n[pool] round 2/5\nnote: something\n');
    expect(stream.text).not.toContain('\x1b');
  });

  it('rewrites one line on a TTY, fitted to the width, and keeps it under logged lines', () => {
    const stream = collector(true);
    const progress = new ProgressLine(stream);
    progress.update('relay', 'round 1/5');
    progress.update('relay', `round 2/5 ${'x'.repeat(60)}`);
    progress.log('[pool] done');
    progress.clear();
    const frames = stream.text.split('\r\x1b[2K');
    expect(frames[1]).toBe('[relay] round 1/5');
    expect(frames[2]).toHaveLength(39);
    expect(frames[2]?.endsWith('…')).toBe(true);
    expect(frames[3]).toBe(`[pool] done\n${frames[2]}`);
    expect(frames[4]).toBe('');
    expect(stream.text.split('\n')).toHaveLength(2);
  });
});
