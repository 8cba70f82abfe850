export { ceremonyPtau, sha256Hex } from './ceremonyPtau.ts';
export { infraEnv } from './infraEnv.ts';
export { ConfigError, parseEnv } from './parseEnv.ts';
export { dataDir, repoRoot } from './paths.ts';
export { address, flag, logLevel, port, positiveInt, privateKey, url } from './schemas.ts';
