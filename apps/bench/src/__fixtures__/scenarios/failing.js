// A scenario that fails after reporting one row: the runner must show the error and exit non-zero.
/** @type {import('../../scenario.js').Scenario} */
export default {
  name: 'failing',
  description: 'reports one row, then throws',
  async run(context) {
    context.report({ name: 'before the failure', value: 1, unit: 'count' });
    throw new Error('the failing fixture failed on purpose');
  },
};
