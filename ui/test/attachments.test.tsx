// Issue 5 in the UI: the attachment list (thumbnails for images, pending
// files, open and delete) and the section's upload with its error shown.

import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as att from '../src/attachments';
import { AttachmentList, Attachments } from '../src/components/Attachments';
import type { AttachmentItem } from '../src/bindings/AttachmentItem';

vi.mock('../src/attachments', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/attachments')>();
  return { ...real, listAttachments: vi.fn(), attachFile: vi.fn(), attachmentData: vi.fn(), deleteAttachment: vi.fn() };
});
const mocked = vi.mocked(att);

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

const item = (over: Partial<AttachmentItem>): AttachmentItem => ({
  id: 'a1',
  version: 1,
  owner_kind: 'contact',
  owner_id: 'c1',
  name: '名刺.png',
  mime: 'image/png',
  size: 2048,
  sha256: 'aa'.repeat(32),
  created_at: Date.UTC(2026, 3, 1, 1, 0),
  created_by: null,
  available: true,
  ...over,
});

describe('attachment list', () => {
  it('shows images as thumbnails, documents by name, pending files without actions to open', () => {
    const card = item({});
    const pdf = item({ id: 'a2', name: '見積書.pdf', mime: 'application/pdf', size: 3 * 1024 * 1024, sha256: 'bb'.repeat(32) });
    const pending = item({ id: 'a3', name: '会社案内.png', sha256: 'cc'.repeat(32), available: false });
    const onOpen = vi.fn();
    const onDelete = vi.fn();
    render(<AttachmentList items={[card, pdf, pending]} thumbs={{ [card.sha256]: 'blob:card' }} onOpen={onOpen} onDelete={onDelete} />);
    const rows = screen.getAllByTestId('attachment-item');
    expect(rows.map((r) => r.getAttribute('data-name'))).toEqual(['名刺.png', '見積書.pdf', '会社案内.png']);
    const thumbs = screen.getAllByTestId('attachment-thumb') as HTMLImageElement[];
    expect(thumbs).toHaveLength(1);
    expect(thumbs[0].getAttribute('src')).toBe('blob:card');
    expect(rows[1].textContent).toContain('3 MB');
    expect(rows[0].textContent).toContain('2 KB');
    // Pending: a badge, and no link to open it.
    expect(screen.getAllByTestId('attachment-pending')).toHaveLength(1);
    expect(rows[2].querySelector('[data-testid="attachment-open"]')).toBeNull();
    fireEvent.click(screen.getAllByTestId('attachment-open')[1]);
    expect(onOpen).toHaveBeenCalledWith(pdf);
    fireEvent.click(screen.getAllByTestId('attachment-delete')[2]);
    expect(onDelete).toHaveBeenCalledWith(pending);
  });

  it('says when there is nothing attached', () => {
    render(<AttachmentList items={[]} thumbs={{}} onOpen={() => {}} onDelete={() => {}} />);
    expect(screen.getByTestId('attachments-empty').textContent).toBe('添付ファイルはありません');
  });
});

describe('attachments section', () => {
  it('uploads a picked file as base64 and lists it', async () => {
    const added = item({ mime: 'application/pdf', name: 'memo.pdf' });
    mocked.listAttachments.mockResolvedValueOnce([]).mockResolvedValue([added]);
    mocked.attachFile.mockResolvedValue(added);
    render(<Attachments ownerKind="contact" ownerId="c1" />);
    await screen.findByTestId('attachments-empty');
    const file = new File([new Uint8Array([37, 80, 68, 70])], 'memo.pdf', { type: 'application/pdf' });
    fireEvent.change(screen.getByTestId('attachment-input'), { target: { files: [file] } });
    await waitFor(() => expect(mocked.attachFile).toHaveBeenCalledWith('contact', 'c1', 'memo.pdf', 'application/pdf', 'JVBERg=='));
    await screen.findByTestId('attachment-open');
    expect(screen.queryByTestId('attachment-error')).toBeNull();
  });

  it('shows the core’s error next to the picker and keeps the list', async () => {
    mocked.listAttachments.mockResolvedValue([]);
    mocked.attachFile.mockRejectedValue({ code: 'too_large', field: 'file', message: 'the file is 25.0 MB', details: [] });
    render(<Attachments ownerKind="company" ownerId="x" />);
    await screen.findByTestId('attachments-empty');
    const file = new File(['hello'], 'big.txt', { type: 'text/plain' });
    fireEvent.change(screen.getByTestId('attachment-input'), { target: { files: [file] } });
    const err = await screen.findByTestId('attachment-error');
    expect(err.textContent).toContain('big.txt');
    expect(err.textContent).toContain('20MB');
    expect(screen.getByTestId('attachments-empty')).toBeTruthy();
  });
});
