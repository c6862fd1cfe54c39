import { BadRequestError, MethodNotAllowedError, NotFoundError } from '../shared/errors';
import { httpHandler } from '../shared/handler';
import type { HttpRequest } from '../shared/request';
import { json } from '../shared/response';
import { findEntry, parseId, randomEntry, type FaqEntry } from './faq';

/** GET /api/faq (a random entry) and GET /api/faq/{id} (that entry). */
export const handler = httpHandler((request) => {
  switch (request.resource) {
    case '/api/faq':
      requireGet(request);
      return json(200, randomEntry());
    case '/api/faq/{id}':
      requireGet(request);
      return json(200, entryNamedBy(request.pathParameters.id));
    default:
      throw new NotFoundError('no such resource');
  }
});

function requireGet(request: HttpRequest): void {
  if (request.method !== 'GET') {
    throw new MethodNotAllowedError(['GET']);
  }
}

function entryNamedBy(rawId: string | undefined): FaqEntry {
  const id = parseId(rawId);
  if (id === undefined) {
    throw new BadRequestError('FAQ id must be a positive integer such as 1 or 12');
  }
  const entry = findEntry(id);
  if (entry === undefined) {
    throw new NotFoundError(`no FAQ entry with id ${id}`);
  }
  return entry;
}
