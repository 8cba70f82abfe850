export { type ApiDeps, type BuildAppOptions, buildApp } from './app.ts';
export type { ApiContext } from './context.ts';
export { type ApiContextOptions, apiContextFromInfra } from './contextFromInfra.ts';
export { type ApiEnv, apiEnvSchema, loadApiEnv } from './env.ts';
