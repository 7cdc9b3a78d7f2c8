#!/usr/bin/env node
import cluster from 'node:cluster';
import { resolve } from 'node:path';
import { StateFile } from './auth/state-file.js';
import { parseCliArguments, usage } from './cli-arguments.js';
import { ConfigError } from './config/config-error.js';
import type { RelayConfig } from './config/config-schema.js';
import { loadConfig, validateConfig } from './config/load-config.js';
import { startDemoUpstream } from './demo-upstream.js';
import { runWorkers } from './lifecycle/run-workers.js';
import { flushOnCrash } from './logger.js';
import { startRelay } from './relay.js';

// Workers of `--workers N` get the primary's final config (after --demo and key creation) through this variable.
const workerConfigVariable = 'RELAY_WORKER_CONFIG';

async function main(): Promise<number> {
  const workerConfig = process.env[workerConfigVariable];
  if (cluster.isWorker && workerConfig) {
    await serveUntilSignal(validateConfig(JSON.parse(workerConfig)));
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
    const code = await runWorkers(command.workers, { [workerConfigVariable]: JSON.stringify(finalConfig) });
    await demo?.close();
    return code;
  }
  await serveUntilSignal(finalConfig);
  await demo?.close();
  return 0;
}

/** Starts the relay and, on SIGTERM or SIGINT, shuts it down gracefully. */
async function serveUntilSignal(config: RelayConfig): Promise<void> {
  const relay = await startRelay(config);
  flushOnCrash(relay.logger);
  await new Promise<void>((resolveSignal) => {
    const onSignal = (signal: NodeJS.Signals) => {
      relay.logger.info({ signal }, 'shutting down: no new connections, in-flight requests may finish');
      resolveSignal();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await relay.close();
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) console.error(`relay: ${error.message}`);
    else console.error(`relay: ${(error as Error).message ?? error}`);
    process.exit(1);
  },
);
