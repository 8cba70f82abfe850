export { readDeploymentFile, writeDeploymentFile } from './deploymentFile.ts';
export { ensureDeployment } from './ensureDeployment.ts';
export { touchHeartbeatFile } from './heartbeatFile.ts';
export { type InfraEnv, infraFromEnv } from './infraFromEnv.ts';
export { type DependencyCheck, type Infra, type InfraConfig, openInfra } from './openInfra.ts';
export { runMain } from './runMain.ts';
