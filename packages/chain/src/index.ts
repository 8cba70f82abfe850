export {
  type AuditEpochTree,
  type AuditSampleResult,
  auditEpochTree,
  auditSignals,
} from './auditEpoch.ts';
export {
  type AwardedSettlement,
  claimMissedDeadline,
  type MissedDeadlineClaim,
  settleAwarded,
  signAward,
  signBid,
} from './awards.ts';
export { revertErrorName, toChainError } from './chainError.ts';
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
export {
  type Award,
  awardDigest,
  awardTypes,
  type Bid,
  bidDigest,
  bidTypes,
  type JobRequest,
  jobIdOf,
  jobRequestTypes,
  type ProofSubmission,
  proofSubmissionDigest,
  proofSubmissionTypes,
  TENDER_EIP712_NAME,
  TENDER_EIP712_VERSION,
  type TenderDomain,
  tenderDomain,
} from './eip712.ts';
export { contractsBuildInfo } from './generated/buildInfo.ts';
export { circuitRegistryAbi, circuitRegistryBytecode } from './generated/CircuitRegistry.ts';
export { tenderAuditAbi, tenderAuditBytecode } from './generated/TenderAudit.ts';
export { tenderMarketAbi, tenderMarketBytecode } from './generated/TenderMarket.ts';
export { tenderStakingAbi, tenderStakingBytecode } from './generated/TenderStaking.ts';
export {
  type OnBroadcast,
  type OperatorCall,
  OperatorSender,
  type OperatorSenderOptions,
  type SentTransaction,
  SettlementSender,
  type SettlementSenderOptions,
} from './operatorSender.ts';
export { registerCircuit } from './registerCircuit.ts';
export {
  type BatchResult,
  merkleProofFor,
  resultLeaf,
  resultRoot,
  verifyResultProof,
} from './resultTree.ts';
export { type ChainClients, sendContractTx } from './sendContractTx.ts';
export { type SettledBatch, settleBatch } from './settleBatch.ts';
export {
  type EncodedSettlement,
  encodeProofBatch,
  encodeSettlementBatch,
  MAX_SETTLEMENT_AMOUNT,
  MAX_SETTLEMENT_DEADLINE,
  MAX_SETTLEMENT_NONCE,
  type ProofBatchItem,
  type SettlementItem,
} from './settlementEncoding.ts';
export { signJobRequest } from './settlementItems.ts';
export { type SlashEvidence, slash } from './slash.ts';
export { type AnvilInstance, anvilBinaryPath, type StartAnvilOptions, startAnvil } from './startAnvil.ts';
export { tenderAbis } from './tenderAbis.ts';
