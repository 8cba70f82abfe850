export { loadStackEnv, type StackEnv, stackEnvSchema } from './env.ts';
