import { builtFile } from '../built-file.js';
import { type ChildServer, startChildServer } from '../child-server.js';
import { startMockUpstream } from '../contenders/mock-upstream.js';
import { startPortkeyContender } from '../contenders/portkey-gateway.js';
import { relayCliOf, startRelayContender } from '../contenders/relay-app.js';
import { hasProcStat } from '../cpu/proc-stat.js';
import { BenchSetupError } from '../errors.js';
import { type BenchRequest, claudeCodeRequest, shortPrompt } from '../relay/bench-request.js';
import {
  bare,
  type Contender,
  direct,
  fastify,
  portkey,
  relay,
  relayBaseline,
  upstreamHeaders,
} from '../relay/contender.js';
import { type LatencySettings, measureAddedLatency } from '../relay/latency-rounds.js';
import { measureSessionTraffic } from '../relay/session-traffic.js';
import { measureThroughput, type ThroughputSettings } from '../relay/throughput-rounds.js';
import type { Scenario } from '../scenario.js';
import { findWrk } from '../wrk/run-wrk.js';

interface Settings {
  throughput: ThroughputSettings;
  latency: LatencySettings;
  /** Whether every condition gets its 1-client latency rows, or only the first. */
  latencyEveryCondition: boolean;
  sessionSeconds: number;
}

const fullSettings: Settings = {
  throughput: { connections: 32, warmupSeconds: 1, roundSeconds: 2, rounds: 4, retriesPerRound: 1 },
  latency: { roundSeconds: 1, rounds: 3 },
  latencyEveryCondition: true,
  sessionSeconds: 3,
};
// Enough to prove every contender starts, relays and is measured under wrk; the figures are not to be quoted.
const quickSettings: Settings = {
  throughput: { connections: 32, warmupSeconds: 0, roundSeconds: 1, rounds: 1, retriesPerRound: 0 },
  latency: { roundSeconds: 1, rounds: 1 },
  latencyEveryCondition: false,
  sessionSeconds: 1,
};

const scenario: Scenario = {
  name: 'relay',
  description:
    'the relay against a bare node:http + undici passthrough, @fastify/http-proxy and the Portkey gateway (each in its own process) on @relay/mock-anthropic (its own process), load from wrk (its own process): CPU per request from /proc, req/s, latency; the hybrid store at 1 / 1,000 / unbounded sessions',
  async run(context) {
    const settings = context.quick ? quickSettings : fullSettings;
    if (!findWrk()) throw new BenchSetupError('wrk is not on PATH: install it (apt-get install wrk; .ci/run does)');
    if (!(await hasProcStat())) throw new BenchSetupError('no /proc: CPU per request is read from Linux /proc');
    const stops: (() => Promise<void>)[] = [];
    try {
      context.progress('starting the mock upstream and the contenders');
      const mock = await startMockUpstream();
      stops.push(() => mock.stop());
      const pidOf = (server: ChildServer) => {
        if (server.process.pid === undefined) throw new BenchSetupError(`${server.origin} has no pid`);
        return server.process.pid;
      };
      const mockPid = pidOf(mock);
      const contenders: Contender[] = [];
      for (const [name, script] of [
        [bare, 'baselines/bare-passthrough.js'],
        [fastify, 'baselines/fastify-http-proxy.js'],
      ] as const) {
        const server = await startChildServer({ script: builtFile(script), args: ['--upstream', mock.origin] });
        stops.push(() => server.stop());
        contenders.push({ name, origin: server.origin, headers: upstreamHeaders, pid: pidOf(server), optional: false });
      }
      const relayContender = await startRelayContender(mock.origin, shortPrompt.body(false));
      if ('skipped' in relayContender) context.note?.(`relay rows skipped: ${relayContender.skipped}`);
      else {
        stops.push(() => relayContender.stop());
        const { server, headers } = relayContender;
        contenders.push({ name: relay, origin: server.origin, headers, pid: pidOf(server), optional: false });
      }
      // Another build of the relay (e.g. an older commit's checkout), measured in the same rounds: before/after.
      const baselineCheckout = process.env.BENCH_RELAY_BASELINE;
      if (baselineCheckout) {
        const cli = relayCliOf(baselineCheckout);
        const baseline = await startRelayContender(mock.origin, shortPrompt.body(false), { cli });
        if ('skipped' in baseline) throw new BenchSetupError(`BENCH_RELAY_BASELINE: ${baseline.skipped}`);
        stops.push(() => baseline.stop());
        contenders.push({
          name: relayBaseline,
          origin: baseline.server.origin,
          headers: baseline.headers,
          pid: pidOf(baseline.server),
          optional: false,
        });
        context.note?.(`${relayBaseline}: ${cli}`);
      }
      const portkeyContender = await startPortkeyContender(mock.origin, {
        path: shortPrompt.path,
        body: shortPrompt.body(false),
        headers: upstreamHeaders,
      });
      if ('skipped' in portkeyContender) context.note?.(`${portkey} rows skipped: ${portkeyContender.skipped}`);
      else {
        stops.push(() => portkeyContender.server.stop());
        contenders.push({
          name: portkey,
          origin: portkeyContender.server.origin,
          headers: { ...upstreamHeaders, ...portkeyContender.headers },
          pid: pidOf(portkeyContender.server),
          optional: true,
        });
        context.note?.(`${portkey}: @portkey-ai/gateway ${portkeyContender.version}, Anthropic provider, custom host`);
      }
      const directContender: Contender = {
        name: direct,
        origin: mock.origin,
        headers: upstreamHeaders,
        pid: mockPid,
        optional: false,
      };

      const requests: BenchRequest[] = [shortPrompt, claudeCodeRequest()];
      let first = true;
      for (const request of requests) {
        for (const stream of [false, true]) {
          const label = `${request.name}, ${stream ? 'streaming' : 'non-streaming'}`;
          const condition = { label, request, stream, upstreamPid: mockPid };
          await measureThroughput(context, contenders, condition, settings.throughput);
          if (first || settings.latencyEveryCondition)
            await measureAddedLatency(context, [directContender, ...contenders], condition, settings.latency);
          first = false;
        }
      }
      if (context.redisUrl)
        await measureSessionTraffic(context, mock.origin, context.redisUrl, settings.sessionSeconds);
      else context.note?.('hybrid store rows skipped: no Redis');
    } finally {
      for (const stop of stops.reverse()) await stop();
    }
  },
};

export default scenario;
