// CPU cost of reading a stream's events on the way: the framer, the shape check and the usage reader that
// the forwarder runs on every relayed event stream. Run it with
//   node_modules/.pnpm/esbuild@0.25.12/node_modules/esbuild/bin/esbuild apps/relay/scripts/sse-framing-cost.ts \
//     --bundle --platform=node --format=esm --outfile=/tmp/sse-framing-cost.mjs && node /tmp/sse-framing-cost.mjs
import { SseEventFramer } from '../src/streaming/sse-event-framer.js';
import { isWellFormedEvent } from '../src/streaming/sse-event-shape.js';
import { SseUsageReader } from '../src/streaming/sse-usage-reader.js';

function cpuMilliseconds(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const event = (name: string, data: object) => Buffer.from(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
// A healthy stream as the API sends it, one event per chunk: message_start, 300 text deltas, the end.
const events = [
  event('message_start', { type: 'message_start', message: { id: 'msg_1', usage: { input_tokens: 120 } } }),
  event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  ...Array.from({ length: 300 }, () =>
    event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'hi ' } }),
  ),
  event('content_block_stop', { type: 'content_block_stop', index: 0 }),
  event('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 300 } }),
  event('message_stop', { type: 'message_stop' }),
];
const streams = 2000;
const perStream: number[] = [];
for (let round = 0; round < 12; round += 1) {
  const milliseconds = cpuMilliseconds(() => {
    for (let stream = 0; stream < streams; stream += 1) {
      const reader = new SseUsageReader();
      const framer = new SseEventFramer((buffer, start, end) => {
        if (!isWellFormedEvent(buffer, start, end)) return false;
        reader.readEvent(buffer, start, end);
        return true;
      });
      for (const chunk of events) framer.push(chunk);
    }
  });
  perStream.push((milliseconds * 1000) / streams);
}
perStream.sort((left, right) => left - right);
console.log(
  `healthy ${events.length}-event stream: ${perStream[0]?.toFixed(1)} µs CPU (best of 12 rounds of ${streams})`,
);

// A 1 MiB event without a blank line, in 512-byte chunks: linear, no rescans.
const chunk = Buffer.alloc(512, 0x61);
const unframed = cpuMilliseconds(() => {
  const reader = new SseUsageReader();
  for (let index = 0; index < 2048; index += 1) reader.push(chunk);
});
console.log(`1 MiB event without a blank line in 512-byte chunks: ${unframed.toFixed(1)} ms CPU`);
