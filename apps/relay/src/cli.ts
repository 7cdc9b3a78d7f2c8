#!/usr/bin/env node
import cluster from 'node:cluster';
import { resolve } from 'node:path';
import { StateFile } from './auth/state-file.js';
import { parseCliArguments, usage } from './cli-arguments.js';
import { ConfigError } from './config/config-error.js';
import type { RelayConfigInput } from './config/config-schema.js';
import { loadConfig, validateConfig } from './config/load-config.js';
import { startDemoUpstream } from './demo-upstream.js';
import { defaultRestartPolicy } from './lifecycle/restart-policy.js';
import { runWorkers } from './lifecycle/run-workers.js';
import { serveUntilSignal } from './lifecycle/serve-until-signal.js';
import { requestConfig } from './lifecycle/worker-config.js';

async function main(): Promise<number> {
  if (cluster.isWorker) {
    // A worker of `--workers N` serves the primary's final config (after --demo and key creation).
    await serveUntilSignal(validateConfig((await requestConfig()) as RelayConfigInput), { repeatWindowMs: 1_000 });
    return 0;
  }

  const command = parseCliArguments(process.argv.slice(2));
  if (command.kind === 'help') {
    console.log(usage);
    return 0;
  }
  const config = loadConfig(command.configFile ? { file: command.configFile } : {});
  const stateFile = new StateFile(resolve(config.state.file));
  if (command.kind === 'create-key') {
    const { id, key } = stateFile.createClientKey(command.id);
    console.log(
      `relay: created client key "${id}" (shown once; only its hash is kept in ${stateFile.path}):\n  ${key}`,
    );
    return 0;
  }

  if (config.clients.length === 0 && stateFile.read().length === 0) {
    const { id, key } = stateFile.createClientKey();
    console.log(
      `relay: no client key was configured, so one was created ("${id}"). It is shown once; only its hash is kept in ${stateFile.path}.\n` +
        `  ${key}\n` +
        '  Clients send it as x-api-key (ANTHROPIC_API_KEY for the SDKs and Claude Code). More: relay keys create',
    );
  }

  const demo = command.demo ? await startDemoUpstream(config) : undefined;
  const finalConfig = demo?.config ?? config;
  if (command.workers > 1) {
    const code = await runWorkers(command.workers, finalConfig, {
      ...defaultRestartPolicy,
      maxCrashes: finalConfig.workers.maxCrashes,
      windowMs: finalConfig.workers.crashWindowMs,
    });
    await demo?.close();
    return code;
  }
  await serveUntilSignal(finalConfig);
  await demo?.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) console.error(`relay: ${error.message}`);
    else console.error(`relay: ${(error as Error).message ?? error}`);
    process.exit(1);
  },
);
