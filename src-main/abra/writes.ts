/**
 * The ABRA client's writes: create, partial update, delete, the owned rows (rows of a record's sub-collection) and
 * the dry run (`?validation=true`).
 */
import type { AbraRow } from '../shared/abra-where';
import { type AbraHttp, seg } from './http';
import { queryParams, type ReadQuery } from './reads';

export interface ValidationResult {
  ok: boolean;
  errors: { field: string; message: string; code?: number; label?: string }[];
  warnings: { field: string; message: string; code?: number }[];
  /** The would-be object as the server computed it (nothing stored). */
  object: Record<string, unknown>;
}

export class AbraWriter {
  constructor(private readonly http: AbraHttp) {}

  async create(
    collection: string,
    body: Record<string, unknown>,
    q: { select?: string[] } = {},
  ): Promise<AbraRow> {
    return this.http.request<AbraRow>('POST', `/${seg(collection)}`, {
      data: body,
      params: { select: q.select?.join(',') },
    });
  }

  /** Partial update: send only the changed fields. */
  async update(
    collection: string,
    id: string,
    patch: Record<string, unknown>,
    q: { select?: string[] } = {},
  ) {
    return this.http.request<AbraRow>('PUT', `/${seg(collection)}/${seg(id)}`, {
      data: patch,
      params: { select: q.select?.join(',') },
    });
  }

  async delete(collection: string, id: string): Promise<void> {
    await this.http.request('DELETE', `/${seg(collection)}/${seg(id)}`);
  }

  async listOwned(
    collection: string,
    parentId: string,
    owned: string,
    q: ReadQuery = {},
  ): Promise<AbraRow[]> {
    return this.http.request<AbraRow[]>('GET', `/${seg(collection)}/${seg(parentId)}/${seg(owned)}`, {
      params: queryParams(q),
    });
  }
  async createOwned(collection: string, parentId: string, owned: string, body: Record<string, unknown>) {
    return this.http.request<AbraRow>('POST', `/${seg(collection)}/${seg(parentId)}/${seg(owned)}`, {
      data: body,
    });
  }
  async updateOwned(
    collection: string,
    parentId: string,
    owned: string,
    rowId: string,
    patch: Record<string, unknown>,
  ) {
    return this.http.request<AbraRow>(
      'PUT',
      `/${seg(collection)}/${seg(parentId)}/${seg(owned)}/${seg(rowId)}`,
      {
        data: patch,
      },
    );
  }
  async deleteOwned(collection: string, parentId: string, owned: string, rowId: string): Promise<void> {
    await this.http.request('DELETE', `/${seg(collection)}/${seg(parentId)}/${seg(owned)}/${seg(rowId)}`);
  }

  /** Dry run (`?validation=true`): POST for a new record, PUT when `id` is given. Nothing is stored. */
  async validate(collection: string, body: Record<string, unknown>, id?: string): Promise<ValidationResult> {
    const res = await this.http.request<Record<string, unknown>>(
      id ? 'PUT' : 'POST',
      id ? `/${seg(collection)}/${seg(id)}` : `/${seg(collection)}`,
      { data: body, params: { validation: 'true' }, retryable: true },
    );
    const meta = (res['@meta'] ?? {}) as {
      validation?: { errors?: { values?: unknown[] }; warnings?: { values?: unknown[] } };
    };
    const flat = (vals: unknown[] | undefined) =>
      (vals ?? []).flatMap((v) =>
        Object.entries(v as Record<string, Record<string, unknown>>).map(([field, d]) => ({
          field,
          message: String(d?.['@description'] ?? ''),
          code: typeof d?.['@code'] === 'number' ? (d['@code'] as number) : undefined,
          label: typeof d?.['@displaylabel'] === 'string' ? (d['@displaylabel'] as string) : undefined,
        })),
      );
    const errors = flat(meta.validation?.errors?.values);
    const object = { ...res };
    delete object['@meta'];
    return { ok: errors.length === 0, errors, warnings: flat(meta.validation?.warnings?.values), object };
  }
}
