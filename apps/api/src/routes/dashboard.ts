import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** apps/dashboard/public: the operator dashboard's static files (no build step). */
export const dashboardPublicDir = fileURLToPath(new URL('../../../dashboard/public/', import.meta.url));

/**
 * Serves the operator dashboard at `/dashboard/` (static files from
 * apps/dashboard/public, hidden from OpenAPI) and redirects `/` and
 * `/dashboard` there. The
 * pages load nothing from other origins: a Content-Security-Policy of
 * `'self'` only is sent with them.
 */
export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, {
    root: dashboardPublicDir,
    prefix: '/dashboard/',
    decorateReply: false,
    redirect: true,
    schemaHide: true,
    cacheControl: false,
    setHeaders(reply) {
      reply.header('cache-control', 'no-cache');
      reply.header(
        'content-security-policy',
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; base-uri 'none'; frame-ancestors 'none'",
      );
    },
  });
  app.get(
    '/',
    {
      schema: {
        summary: 'Redirects to the operator dashboard',
        tags: ['operator'],
        response: { 302: { type: 'null', description: 'Location: /dashboard/' } },
      },
    },
    async (_request, reply) => reply.redirect('/dashboard/', 302),
  );
  // relative links of the page (style.css, ../v1/…) need the trailing slash
  app.get('/dashboard', { schema: { hide: true } }, async (_request, reply) =>
    reply.redirect('/dashboard/', 301),
  );
}
