import { readFileSync } from 'node:fs';
import { type TObject, type TSchema, TypeGuard } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import { type Config, ConfigSchema } from './config-schema.js';
import { SwbError } from './errors.js';

export type { Config };
export { ConfigSchema };

/** sip.udpPort → SWB_SIP_UDP_PORT */
export function envNameFor(path: string[]): string {
  return `SWB_${path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_')}`;
}

function coerceEnv(schema: TSchema, raw: string, key: string): unknown {
  if (TypeGuard.IsInteger(schema) || TypeGuard.IsNumber(schema)) {
    if (!/^-?\d+(\.\d+)?$/.test(raw.trim())) invalid(key, `expected a number, got '${raw}'`);
    return Number(raw);
  }
  if (TypeGuard.IsBoolean(schema)) {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    invalid(key, `expected true/false, got '${raw}'`);
  }
  return raw;
}

function invalid(key: string, reason: string): never {
  throw new SwbError('SWB_CONFIG_INVALID', { key, reason });
}

/** Every leaf of the schema as [path, schema] pairs. */
export function configLeaves(schema: TObject = ConfigSchema, prefix: string[] = []): [string[], TSchema][] {
  const out: [string[], TSchema][] = [];
  for (const [k, s] of Object.entries(schema.properties)) {
    if (TypeGuard.IsObject(s)) out.push(...configLeaves(s, [...prefix, k]));
    else out.push([[...prefix, k], s]);
  }
  return out;
}

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  file?: string | undefined;
  overrides?: DeepPartial<Config>;
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

function merge(target: Record<string, unknown>, src: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(src)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const t = (target[k] ??= {}) as Record<string, unknown>;
      if (typeof t !== 'object' || t === null) target[k] = {};
      merge(target[k] as Record<string, unknown>, v as Record<string, unknown>);
    } else if (v !== undefined) {
      target[k] = v;
    }
  }
}

/**
 * Builds the validated configuration. Throws SwbError SWB_CONFIG_INVALID naming the key
 * (e.g. `sip.udpPort`) on the first bad value; the CLI prints it and exits 78.
 */
export function loadConfig(opts: LoadConfigOptions = {}): Config {
  const env = opts.env ?? process.env;
  const raw: Record<string, unknown> = {};
  const file = opts.file ?? env.SWB_CONFIG_FILE;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      invalid('SWB_CONFIG_FILE', `cannot read ${file}: ${(e as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      invalid('SWB_CONFIG_FILE', `${file} is not valid JSON: ${(e as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      invalid('SWB_CONFIG_FILE', `${file} must contain a JSON object`);
    }
    merge(raw, parsed as Record<string, unknown>);
  }
  for (const [path, schema] of configLeaves()) {
    const name = envNameFor(path);
    const v = env[name];
    if (v === undefined || v === '') continue;
    const obj: Record<string, unknown> = {};
    let cur = obj;
    for (let i = 0; i < path.length - 1; i++) cur = cur[path[i]!] = {} as Record<string, unknown>;
    cur[path[path.length - 1]!] = coerceEnv(schema, v, `${path.join('.')} (${name})`);
    merge(raw, obj);
  }
  if (opts.overrides) merge(raw, opts.overrides as Record<string, unknown>);

  const withDefaults = Value.Default(ConfigSchema, Value.Clone(raw)) as Record<string, unknown>;
  const first = Value.Errors(ConfigSchema, withDefaults).First();
  if (first) {
    const key = first.path.replace(/^\//, '').replaceAll('/', '.') || '(root)';
    const reason =
      first.type === ValueErrorType.ObjectAdditionalProperties
        ? 'unknown key'
        : `${first.message} (got ${JSON.stringify(first.value)})`;
    invalid(key, reason);
  }
  const cfg = withDefaults as Config;
  if (cfg.media.rtpPortMin > cfg.media.rtpPortMax) invalid('media.rtpPortMin', 'must be <= media.rtpPortMax');
  if (cfg.storage.databaseUrl && !/^(postgres|postgresql|sqlite):/.test(cfg.storage.databaseUrl)) {
    invalid('storage.databaseUrl', 'must start with postgres:// or sqlite:');
  }
  return cfg;
}
