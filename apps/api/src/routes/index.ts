import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';
import { assignmentRoutes } from './assignments.ts';
import { auctionRoutes } from './auctions.ts';
import { circuitRoutes } from './circuits.ts';
import { dashboardRoutes } from './dashboard.ts';
import { jobRoutes } from './jobs.ts';
import { metricsRoutes } from './metrics.ts';
import { operatorRoutes } from './operator.ts';
import { proofRoutes } from './proofs.ts';
import { proverSessionRoutes } from './proverSession.ts';
import { proverRoutes } from './provers.ts';
import { requesterKeyRoutes } from './requesterKeys.ts';
import { requesterSessionRoutes } from './requesterSession.ts';
import { requesterRoutes } from './requesters.ts';

/** A module of /v1 routes: registers its routes on `app` using `ctx`. */
export type RouteModule = (app: FastifyInstance, ctx: ApiContext) => void | Promise<void>;

/**
 * Every /v1 route module, in registration order. Add yours here (one line);
 * keep handlers thin: they validate with schemas and call @tender/market services.
 */
export const routeModules: RouteModule[] = [
  metricsRoutes,
  operatorRoutes,
  dashboardRoutes,
  requesterRoutes,
  requesterSessionRoutes,
  requesterKeyRoutes,
  circuitRoutes,
  jobRoutes,
  proverSessionRoutes,
  proverRoutes,
  auctionRoutes,
  proofRoutes,
  assignmentRoutes,
];
