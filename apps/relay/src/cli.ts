#!/usr/bin/env node
import cluster from 'node:cluster';
import { resolve } from 'node:path';
import { StateFile } from './auth/state-file.js';
import { parseCliArguments, usage } from './cli-arguments.js';
import { ConfigError } from './config/config-error.js';
import type { RelayConfigInput } from './config/config-schema.js';
import { loadConfig, validateConfig } from './config/load-config.js';
import { startDemoUpstream } from './demo-upstream.js';
import { runKeysCommand } from './keys/keys-command.js';
import { defaultRestartPolicy } from './lifecycle/restart-policy.js';
import { runWorkers } from './lifecycle/run-workers.js';
import { serveUntilSignal } from './lifecycle/serve-until-signal.js';
import { requestConfig, requestReloadedConfig } from './lifecycle/worker-config.js';
import { workersStoreWarning } from './lifecycle/workers-store-warning.js';
import { importClaudeCredentials } from './oauth/import-claude-credentials.js';
import { runUsageCommand } from './quota/usage-command.js';

async function main(): Promise<number> {
  if (cluster.isWorker) {
    // A worker of `--workers N` serves the primary's final config (after --demo and key creation); on SIGHUP
    // the primary re-reads the file for it.
    await serveUntilSignal(
      requestConfig().then((config) => validateConfig(config as RelayConfigInput)),
      {
        repeatWindowMs: 1_000,
        reloadConfig: async () => validateConfig((await requestReloadedConfig()) as RelayConfigInput),
      },
    );
    return 0;
  }

  const command = parseCliArguments(process.argv.slice(2));
  if (command.kind === 'help') {
    console.log(usage);
    return 0;
  }
  if (command.kind === 'import-account') {
    const { id, replaced } = importClaudeCredentials(command);
    console.log(`relay: ${replaced ? 'replaced' : 'added'} OAuth account "${id}" in ${command.configFile} (mode 0600)`);
    return 0;
  }
  const readConfig = () => loadConfig(command.configFile ? { file: command.configFile } : {});
  const config = readConfig();
  if (command.kind === 'usage') {
    console.log(await runUsageCommand(command, config));
    return 0;
  }
  const stateFile = new StateFile(resolve(config.state.file));
  if (command.kind === 'keys') {
    await runKeysCommand({
      action: command.action,
      config,
      url: command.url,
      adminToken: command.adminToken,
      print: (text) => console.log(text),
    });
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
  // SIGHUP re-reads the file (and the environment), with --demo's upstream in place again.
  const reloadConfig = () => {
    const loaded = readConfig();
    return demo ? demo.applyTo(loaded) : loaded;
  };
  if (command.workers > 1) {
    const warning = workersStoreWarning(command.workers, finalConfig.sessions.store);
    if (warning) console.error(warning);
    const code = await runWorkers(
      command.workers,
      finalConfig,
      {
        ...defaultRestartPolicy,
        maxCrashes: finalConfig.workers.maxCrashes,
        windowMs: finalConfig.workers.crashWindowMs,
      },
      reloadConfig,
    );
    await demo?.close();
    return code;
  }
  await serveUntilSignal(finalConfig, { reloadConfig: async () => reloadConfig() });
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
