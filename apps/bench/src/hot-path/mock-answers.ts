import { createMockAnthropic } from '@relay/mock-anthropic';
import { request } from 'undici';
import { shortPrompt } from '../relay/bench-request.js';

/** The mock upstream's answers to the short prompt (the relay scenario's upstream and settings), as bytes. */
export interface MockAnswers {
  json: Buffer;
  jsonHeaders: Record<string, string | string[] | undefined>;
  /** The stream cut into its events, one chunk each, as the API sends them. */
  events: Buffer[];
}

/** Asks an in-process @relay/mock-anthropic (no latency, 10 deltas) once for each answer, then closes it. */
export async function mockAnswers(): Promise<MockAnswers> {
  const mock = await createMockAnthropic({ port: 0, host: '127.0.0.1', latencyMs: 0, eventDelayMs: 0, deltas: 10 });
  try {
    const answer = async (stream: boolean) => {
      const response = await request(`${mock.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-ant-bench' },
        body: shortPrompt.body(stream),
      });
      return { headers: response.headers, bytes: Buffer.from(await response.body.arrayBuffer()) };
    };
    const json = await answer(false);
    const stream = (await answer(true)).bytes;
    const events: Buffer[] = [];
    for (let start = 0, end = stream.indexOf('\n\n'); end !== -1; end = stream.indexOf('\n\n', start)) {
      events.push(Buffer.from(stream.subarray(start, end + 2)));
      start = end + 2;
    }
    return { json: json.bytes, jsonHeaders: json.headers, events };
  } finally {
    await mock.close();
  }
}
