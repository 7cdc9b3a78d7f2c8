import { hotPathSteps, type Step, streamTimeouts } from '../hot-path/steps.js';
import { alternateRounds, summarize } from '../measure.js';
import type { Scenario } from '../scenario.js';

/** CPU time of this thread per call of `run`, in µs (user + system: other processes' load counts far less). */
async function cpuMicrosPerCall(run: () => unknown, iterations: number): Promise<number> {
  const started = process.cpuUsage();
  for (let index = 0; index < iterations; index += 1) {
    const result = run();
    if (result instanceof Promise) await result;
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / iterations;
}

const scenario: Scenario = {
  name: 'hot-path',
  description:
    'µs of CPU per request of each hot-path step of issues #11 (isolation, hardening) and #12 (commit-late streams), in-process, process.cpuUsage over many calls, in rounds alternating with the step each replaced',
  async run(context) {
    const rounds = context.quick ? 3 : 15;
    const scale = context.quick ? 0.05 : 1;
    const iterationsOf = (step: Step) => Math.max(10, Math.round(step.iterations * scale));
    // Other streams in flight keep Node's timer lists of the budgets' durations alive, as in a relay under load.
    const inFlight = [setTimeout(() => {}, streamTimeouts.firstEventMs), setTimeout(() => {}, streamTimeouts.idleMs)];
    try {
      for (const { issue, steps } of await hotPathSteps()) {
        for (const step of steps) await cpuMicrosPerCall(step.run, iterationsOf(step) * 2); // JIT warm-up
        let calls = 0;
        const figures = await alternateRounds(
          Object.fromEntries(
            steps.map((step) => [
              step.name,
              () => {
                calls += 1;
                context.progress(`${issue}: round ${Math.ceil(calls / steps.length)}/${rounds}`);
                return cpuMicrosPerCall(step.run, iterationsOf(step));
              },
            ]),
          ),
          rounds,
        );
        for (const step of steps) {
          const summary = summarize(figures[step.name] as number[]);
          const baseline = step.baseline === undefined ? undefined : summarize(figures[step.baseline] as number[]);
          context.report({
            name: `${issue} ${step.name}`,
            value: summary.p50,
            unit: 'µs CPU/req',
            min: summary.min,
            max: summary.max,
            // The ratio of the medians of rounds that alternated the two: a noisy machine moves both alike.
            ...(baseline ? { baseline: `${issue} ${step.baseline}`, ratio: summary.p50 / baseline.p50 } : {}),
          });
        }
      }
    } finally {
      for (const timer of inFlight) clearTimeout(timer);
    }
  },
};

export default scenario;
