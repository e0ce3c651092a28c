// Markdown (meeting minutes, templates) rendered with marked and sanitized
// with DOMPurify before it reaches the DOM.

import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useMemo } from 'react';

marked.setOptions({ gfm: true, breaks: true });

export function renderMarkdown(src: string): string {
  const html = marked.parse(src ?? '', { async: false }) as string;
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}

export function Markdown({ source, className, testid }: { source: string | null | undefined; className?: string; testid?: string }) {
  const html = useMemo(() => renderMarkdown(source ?? ''), [source]);
  return <div className={`markdown ${className ?? ''}`} data-testid={testid} dangerouslySetInnerHTML={{ __html: html }} />;
}
