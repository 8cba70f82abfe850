export { type CompiledContract, compileSolidity, solcSettings, solcVersion } from './compileSolidity.ts';
export { type ChainConnection, chainFor, connectChain } from './connectChain.ts';
export {
  CREATE2_FACTORY,
  type DeployParams,
  defaultDeployParams,
  deployTender,
  predictTenderAddresses,
  type TenderDeployment,
} from './deployTender.ts';
export { type DevAccount, devAccounts } from './devAccounts.ts';
export { contractsBuildInfo } from './generated/buildInfo.ts';
export { circuitRegistryAbi, circuitRegistryBytecode } from './generated/CircuitRegistry.ts';
export { tenderMarketAbi, tenderMarketBytecode } from './generated/TenderMarket.ts';
export { tenderStakingAbi, tenderStakingBytecode } from './generated/TenderStaking.ts';
export { type AnvilInstance, anvilBinaryPath, type StartAnvilOptions, startAnvil } from './startAnvil.ts';
export { tenderAbis } from './tenderAbis.ts';
