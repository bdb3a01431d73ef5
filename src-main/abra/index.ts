/** ABRA Gen side: the Web API client, the safe where-builder and the record model. See docs/abra-api.md. */

export * as where from '../shared/abra-where';
export * from './client';
export * from './model';
