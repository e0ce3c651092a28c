// Attachments (issue 5): typed calls for files attached to a record
// (business-card images, documents), and small pure helpers.

import { call, type ApiError, type Kind } from './api';
import type { AttachmentData } from './bindings/AttachmentData';
import type { AttachmentItem } from './bindings/AttachmentItem';
import type { Answer as Response } from './api';
import type { Stored } from './bindings/Stored';

export type { AttachmentData, AttachmentItem };

/** The largest file the core accepts (20 MB). */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

type Data<T extends Response['type']> = Extract<Response, { type: T }> extends { data: infer D } ? D : never;

function expectType<T extends Response['type']>(r: Response, type: T): Data<T> {
  if (!r || r.type !== type) {
    throw { code: 'bad_response', message: `expected ${type}, got ${r?.type}`, details: [] } satisfies ApiError;
  }
  return (r as { data: unknown }).data as Data<T>;
}

export async function listAttachments(ownerKind: Kind, ownerId: string): Promise<AttachmentItem[]> {
  return expectType(await call({ cmd: 'attachments', owner_kind: ownerKind, owner_id: ownerId }), 'attachments');
}

export async function attachFile(ownerKind: Kind, ownerId: string, name: string, mime: string | undefined, base64: string): Promise<AttachmentItem> {
  return expectType(await call({ cmd: 'attach_file', owner_kind: ownerKind, owner_id: ownerId, name, mime: mime || undefined, base64 }), 'attachment');
}

export async function attachmentData(sha256: string): Promise<AttachmentData> {
  return expectType(await call({ cmd: 'attachment_data', sha256 }), 'attachment_data');
}

export async function deleteAttachment(id: string): Promise<Stored> {
  return expectType(await call({ cmd: 'delete_attachment', id }), 'record');
}

export function isImage(mime: string | null | undefined): boolean {
  return !!mime && /^image\/(png|jpeg|gif|webp|bmp|svg\+xml)$/.test(mime);
}
