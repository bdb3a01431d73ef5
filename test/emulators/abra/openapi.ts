/**
 * ABRA's API server describes itself with OpenAPI 3.0 documents: an index `GET /{conn}/api-docs/openapis` (entries
 * `{name, description, boclsid, ref}`; real capture: ABRA-MobileCRM architecture/reference/spike/openapis-index.json,
 * 521 controllers on a 2026 DEMO) and one document per controller `GET /{conn}/api-docs/openapi/{controller}`
 * (help.abra.eu …/Part53_API/OpenAPI.htm). The emulator generates both from its classes, so a field it does not
 * emulate is not described either.
 *
 * [A] The inside of a per-controller document is not captured: here every class of the controller (the BO and its
 * owned parts) is a `components.schemas` entry named by the class with its fields as `properties`.
 */
import { COLLECTIONS, type Schema, type Schemas } from './schema';

/** Index rows: every top-level collection with a controller (addresses has none in the real index). */
export function openapiIndex(schemas: Schemas, base: string): Record<string, string>[] {
  return Object.entries(COLLECTIONS)
    .filter(([c]) => c !== 'addresses')
    .map(([c, s]) => ({
      name: c,
      description: schemas[s]!.caption.toLowerCase(),
      boclsid: schemas[s]!.clsid,
      ref: `${base}/api-docs/openapi/${c}`,
    }));
}

function props(s: Schema, hidden: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(s.fields)) {
    if (hidden.has(`${s.name}.${k}`)) continue;
    switch (f.kind) {
      case 'number':
        out[k] = { type: 'number' };
        break;
      case 'boolean':
        out[k] = { type: 'boolean' };
        break;
      case 'date':
        out[k] = { type: 'string', format: 'date-time' };
        break;
      case 'owned':
        out[k] = { $ref: `#/components/schemas/${f.target}` };
        break;
      case 'ownedList':
        out[k] = { type: 'array', items: { $ref: `#/components/schemas/${f.target}` } };
        break;
      case 'json':
        out[k] = { type: 'array', items: {} };
        break;
      default:
        out[k] = { type: 'string', ...(f.readonly ? { readOnly: true } : {}) };
    }
  }
  return out;
}

/** The document of one controller, or null for an unknown one. */
export function openapiDocument(
  schemas: Schemas,
  controller: string,
  conn: string,
  hidden: Set<string>,
): Record<string, unknown> | null {
  const sn = COLLECTIONS[controller];
  if (!sn || controller === 'addresses') return null;
  const main = schemas[sn]!;
  const classes = new Map<string, Schema>([[sn, main]]);
  const walk = (s: Schema) => {
    for (const f of Object.values(s.fields))
      if ((f.kind === 'owned' || f.kind === 'ownedList') && f.target && !classes.has(f.target)) {
        const t = schemas[f.target];
        if (t) {
          classes.set(f.target, t);
          walk(t);
        }
      }
  };
  walk(main);
  const ref = { $ref: `#/components/schemas/${sn}` };
  return {
    openapi: '3.0.1',
    info: { title: `${main.caption} (${controller})`, version: '1.0', 'x-boclsid': main.clsid },
    paths: {
      [`/${conn}/${controller}`]: {
        get: {
          responses: { 200: { content: { 'application/json': { schema: { type: 'array', items: ref } } } } },
        },
        post: { requestBody: { content: { 'application/json': { schema: ref } } }, responses: { 201: {} } },
      },
      [`/${conn}/${controller}/{id}`]: {
        get: { responses: { 200: { content: { 'application/json': { schema: ref } } } } },
        put: { requestBody: { content: { 'application/json': { schema: ref } } }, responses: { 200: {} } },
        delete: { responses: { 204: {} } },
      },
    },
    components: {
      schemas: Object.fromEntries(
        [...classes].map(([n, s]) => [
          n,
          { type: 'object', 'x-clsid': s.clsid, properties: props(s, hidden) },
        ]),
      ),
    },
  };
}
