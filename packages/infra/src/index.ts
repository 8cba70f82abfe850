export { readDeploymentFile, writeDeploymentFile } from './deploymentFile.ts';
export { type DependencyCheck, type Infra, type InfraConfig, openInfra } from './openInfra.ts';
