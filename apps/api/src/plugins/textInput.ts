import { assertCleanText } from '@tender/core';
import type { FastifyInstance } from 'fastify';

/**
 * Applies the one text rule of @tender/core ({@link assertCleanText}: no NUL
 * or other control characters) to every route's params, query string and
 * parsed body, before schema validation, so no handler and no database ever
 * sees such text: 400 TENDER_TEXT_INVALID naming the field. Multipart fields
 * are not parsed by then; the upload handler applies the same function to them.
 * Register it on the root instance before the routes.
 */
export function registerTextInputRule(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    assertCleanText(request.params, 'params');
    assertCleanText(request.query, 'query');
    assertCleanText(request.body, 'body');
  });
}
