// @tender/scheduler: the BullMQ consumers of the auctions and deadlines queues and the queue reconciler.
export { loadSchedulerEnv, type SchedulerEnv, schedulerEnvSchema } from './env.ts';
export {
  type Scheduler,
  type SchedulerDeps,
  type SchedulerLogger,
  startScheduler,
} from './startScheduler.ts';
