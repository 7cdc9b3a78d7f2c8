// A tiny scenario for the runner's end-to-end test: real (if trivial) measurements, a claim, a ratio and a note.
/** @type {import('../../scenario.js').Scenario} */
export default {
  name: 'tiny',
  description: 'sums numbers, to exercise the runner',
  async run(context) {
    const sum = (count) => {
      let total = 0;
      for (let index = 0; index < count; index += 1) total += index;
      return total;
    };
    const time = (count) => {
      const started = process.hrtime.bigint();
      sum(count);
      return Number(process.hrtime.bigint() - started) / count;
    };
    context.progress('summing');
    const small = time(context.quick ? 1_000 : 100_000);
    const large = time(context.quick ? 10_000 : 1_000_000);
    context.report({ name: 'sum, small', value: small, unit: 'ns/op' });
    context.report({
      name: 'sum, large',
      value: large,
      unit: 'ns/op',
      p50: large,
      p99: large,
      min: large,
      max: large,
      baseline: 'sum, small',
      ratio: large / small,
      claim: { text: '< 1 ms', beaten: large < 1e6 },
    });
    context.report({ name: 'redis given', value: context.redisUrl ? 1 : 0, unit: 'boolean' });
    context.note('tiny has nothing to skip');
  },
};
