export { ConfigError, parseEnv } from './parseEnv.ts';
export { address, flag, logLevel, port, positiveInt, privateKey, url } from './schemas.ts';
