// The activity editor: meetings (markdown minutes from an editable template),
// inquiries, calls/visits/e-mails and information reports (seed 001), with a
// "next action" that becomes a task on save.

import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import * as api from '../api';
import type { FieldDef } from '../bindings/FieldDef';
import { useAppData, useMeta, useToast } from '../app/data';
import { href, navigate } from '../app/router';
import { ChildTable, useRecords } from '../components/ChildTable';
import { Attachments } from '../components/Attachments';
import { FieldRow, fromFormValues, toFormValues, type Choice } from '../components/fields';
import { Markdown } from '../components/Markdown';
import { PrintButton } from '../components/PrintButton';
import { useFocusFirstError, useRecordForm } from '../components/RecordForm';
import { addDays, localDateTime, today } from '../dates';
import { describeError } from '../errors';
import { useI18n, type DictKey } from '../i18n';
import { ask } from '../confirm';

export const ACTIVITY_KINDS = ['meeting', 'inquiry', 'call', 'visit', 'email', 'info_report'] as const;

type Group = [DictKey, string[]];

/** Which fields each kind of activity asks for, grouped. */
export const ACTIVITY_LAYOUT: Record<string, Group[]> = {
  meeting: [
    ['general', ['occurred_at', 'subject', 'company_id', 'deal_id']],
    ['attendees', ['contact_ids', 'our_attendee_ids', 'other_attendees']],
    ['minutes', ['content']],
    ['follow_up', ['next_steps', 'next_date']],
  ],
  inquiry: [
    ['general', ['occurred_at', 'channel', 'subject', 'company_id', 'contact_ids']],
    ['inquiry_section', ['content', 'outcome', 'answered_by_id']],
    ['follow_up', ['next_steps', 'next_date']],
  ],
  call: [
    ['general', ['occurred_at', 'subject', 'company_id', 'deal_id', 'contact_ids', 'our_attendee_ids']],
    ['minutes', ['content', 'outcome']],
    ['follow_up', ['next_steps', 'next_date']],
  ],
  visit: [
    ['general', ['occurred_at', 'subject', 'company_id', 'deal_id', 'contact_ids', 'our_attendee_ids', 'other_attendees']],
    ['minutes', ['content', 'outcome']],
    ['follow_up', ['next_steps', 'next_date']],
  ],
  email: [
    ['general', ['occurred_at', 'subject', 'company_id', 'deal_id', 'contact_ids', 'our_attendee_ids']],
    ['minutes', ['content', 'outcome']],
    ['follow_up', ['next_steps', 'next_date']],
  ],
  info_report: [
    ['general', ['occurred_at', 'subject', 'company_id', 'info_kind', 'content']],
    ['report_source', ['source_who', 'source_where', 'source_situation', 'means', 'factuality']],
    ['report_assessment', ['credibility', 'importance', 'urgency']],
    ['report_followup', ['how_to_use', 'to_find_out', 'supervisor_decision', 'shared_with_ids']],
  ],
};
// Issue 18: every kind ends with the private switch (its texts stay on this computer).
for (const groups of Object.values(ACTIVITY_LAYOUT)) groups.push(['activity_private', ['private']]);

const TASK_FIELDS = ['title', 'due', 'assignee_id'];

export function ActivityEditor({ id, params }: { id?: string; params: URLSearchParams }) {
  const { t, lang, enumLabel } = useI18n();
  const toast = useToast();
  const { settings, bump } = useAppData();
  const meta = useMeta('activity');
  const taskMeta = useMeta('task');
  const defs = useMemo(() => meta?.fields ?? [], [meta]);
  const taskDefs = useMemo(() => TASK_FIELDS.map((n) => taskMeta?.fields.find((f) => f.name === n)).filter((f): f is FieldDef => !!f), [taskMeta]);
  const [stored, setStored] = useState<api.StoredOf<'activity'> | null>(null);
  const [loadError, setLoadError] = useState<api.ApiError | null>(null);
  const me = settings?.current_user_id ?? '';

  const fresh = useMemo(
    () =>
      toFormValues(defs, {
        kind: params.get('kind') && (ACTIVITY_KINDS as readonly string[]).includes(params.get('kind')!) ? params.get('kind') : 'meeting',
        occurred_at: localDateTime(),
        company_id: params.get('company') ?? null,
        contact_ids: params.get('contact') ? [params.get('contact')] : [],
        our_attendee_ids: me ? [me] : [],
        answered_by_id: me || null,
      }),
    [defs, params, me],
  );
  const form = useRecordForm(defs, fresh);
  const task = useRecordForm(taskDefs, toFormValues(taskDefs, { due: addDays(today(), 7), assignee_id: me || null }));
  const [withTask, setWithTask] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, form.errors);
  useFocusFirstError(formRef, task.errors);
  const [preview, setPreview] = useState(true);

  // Load an existing activity.
  useEffect(() => {
    if (!id || !defs.length) return;
    api.get('activity', id).then(
      (s) => {
        setStored(s);
        form.reset(toFormValues(defs, s.data as unknown as Record<string, unknown>));
      },
      (e) => setLoadError(api.toApiError(e)),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, defs]);
  // The current user may arrive after the form was set up.
  useEffect(() => {
    if (id || !me) return;
    if (!(form.values.our_attendee_ids as string[]).length) form.set('our_attendee_ids', [me]);
    if (!form.values.answered_by_id) form.set('answered_by_id', me);
    if (!task.values.assignee_id) task.set('assignee_id', me);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [me]);

  const kind = String(form.values.kind || 'meeting');
  const companyId = (form.values.company_id as string) || '';
  const byCompany = useMemo(() => (companyId ? [{ field: 'company_id', op: 'eq' as const, value: companyId }] : [{ field: 'id', op: 'eq' as const, value: '' }]), [companyId]);
  const contacts = useRecords('contact', byCompany);
  const deals = useRecords('deal', byCompany);
  const templates = useRecords('note_template', []);
  const linkedTasks = useRecords('task', [{ field: 'activity_id', op: 'eq', value: id ?? '' }]);

  const choices: Record<string, Choice[] | undefined> = {
    contact_ids: companyId ? (contacts.rows ?? []).map((c) => ({ id: c.id, label: c.display_name, hint: [c.data.department, c.data.title].filter(Boolean).join(' ') })) : undefined,
    deal_id: companyId ? (deals.rows ?? []).map((d) => ({ id: d.id, label: d.display_name })) : undefined,
  };
  const kindTemplates = (templates.rows ?? []).filter((x) => !x.data.activity_kind || x.data.activity_kind === kind);

  const applyTemplate = async (tid: string) => {
    const tpl = templates.rows?.find((x) => x.id === tid);
    if (!tpl) return;
    const cur = String(form.values.content ?? '');
    if (cur.trim() && !(await ask(lang === 'ja' ? '入力中の内容をテンプレートで置き換えますか?' : 'Replace the content with the template?'))) return;
    form.setMany({ content: tpl.data.body ?? '', template_id: tpl.id });
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const conv = fromFormValues(defs, form.values, !stored);
    const taskConv = withTask ? fromFormValues(taskDefs, task.values, true) : { data: {}, errors: {} };
    if (withTask && !String(task.values.title ?? '').trim()) taskConv.errors.title = 'required';
    if (Object.keys(conv.errors).length) form.failLocal(conv.errors);
    if (Object.keys(taskConv.errors).length) task.failLocal(taskConv.errors);
    if (Object.keys(conv.errors).length || Object.keys(taskConv.errors).length) return;
    await form.run(async () => {
      let saved = stored;
      try {
        saved = stored
          ? ((await api.patch('activity', stored.id, changed(stored.data as unknown as Record<string, unknown>, conv.data), stored.version)) as api.StoredOf<'activity'>)
          : await api.create('activity', conv.data as Partial<api.DataOf<'activity'>>);
        setStored(saved);
      } catch (err) {
        form.fail(err);
        return;
      }
      if (!stored) window.history.replaceState(null, '', href('activity', saved!.id));
      if (withTask) {
        try {
          await api.create('task', {
            ...(taskConv.data as Partial<api.DataOf<'task'>>),
            activity_id: saved!.id,
            company_id: saved!.data.company_id,
            contact_id: saved!.data.contact_ids[0] ?? null,
            deal_id: saved!.data.deal_id,
          });
        } catch (err) {
          task.fail(err);
          toast(describeError(api.toApiError(err), lang), 'error');
          return;
        }
      }
      toast(t('saved'));
      bump();
      if (saved!.data.company_id) navigate('company', saved!.data.company_id, { tab: 'timeline' });
      else navigate('activity', saved!.id);
    });
  };

  if (loadError) return <div className="banner banner-error">{describeError(loadError, lang)}</div>;
  if (!meta || (id && !stored)) return <p className="muted">{t('loading')}</p>;

  const def = (n: string) => defs.find((d) => d.name === n);
  const row = (n: string) => {
    const d = def(n);
    if (!d) return null;
    if (n === 'content' && kind === 'meeting') return minutesField(d);
    return (
      <FieldRow
        key={n}
        def={d}
        value={form.values[n]}
        onChange={(v) => {
          form.set(n, v);
          if (n === 'company_id') form.setMany({ contact_ids: [], deal_id: '' });
        }}
        error={form.errors[n]}
        choices={choices[n]}
        wide={n === 'content' || n === 'outcome' || undefined}
      />
    );
  };

  // A render helper, not a component: the textarea must keep its identity (and focus) across renders.
  function minutesField(d: FieldDef) {
    return (
      <div key="content" className={`field field-wide ${form.errors.content ? 'has-error' : ''}`}>
        <div className="minutes-toolbar">
          <label className="field-label" htmlFor="minutes-src">
            {lang === 'ja' ? d.label_ja : d.label_en}
          </label>
          <select value="" onChange={(e) => applyTemplate(e.target.value)} data-testid="template-select" aria-label={t('template')}>
            <option value="">{t('template_choose')}</option>
            {kindTemplates.map((x) => (
              <option key={x.id} value={x.id}>
                {x.display_name}
              </option>
            ))}
          </select>
          <label className="switch small">
            <input type="checkbox" checked={preview} onChange={(e) => setPreview(e.target.checked)} />
            {t('preview')}
          </label>
        </div>
        <div className={`minutes ${preview ? 'split' : ''}`}>
          <textarea
            id="minutes-src"
            value={String(form.values.content ?? '')}
            onChange={(e) => form.set('content', e.target.value)}
            rows={16}
            data-testid="field-content"
            placeholder={lang === 'ja' ? '## 目的\n## 決定事項\n## 宿題' : '## Purpose\n## Decisions\n## To do'}
          />
          {preview && <Markdown source={String(form.values.content ?? '')} className="minutes-preview card-inset" testid="minutes-preview" />}
        </div>
        {form.errors.content && <div className="field-error">{form.errors.content}</div>}
      </div>
    );
  }

  const layout = ACTIVITY_LAYOUT[kind] ?? ACTIVITY_LAYOUT.meeting;
  return (
    <div className="page" data-testid="screen-activity">
      <div className="record-head">
        <div className="record-title">
          <div className="crumbs">
            {companyId ? <a href={href('company', companyId, { tab: 'timeline' })}>← {t('tab_timeline')}</a> : <a href="#/activities">{t('nav_activities')}</a>}
          </div>
          <h1>{stored ? t('activity_edit') : t('activity_new')}</h1>
        </div>
        {stored && (
          <div className="record-actions">
            {/* 情報報告書 of the saved activity (seed 001's form). */}
            <PrintButton cmd={() => ({ cmd: 'print_report', id: stored.id })} testid="activity-print" />
          </div>
        )}
      </div>
      <form className="record-form activity-form" onSubmit={onSubmit} noValidate data-testid="activity-form" ref={formRef}>
        <div className="kind-tabs segmented" role="radiogroup" aria-label={t('kind')}>
          {ACTIVITY_KINDS.map((k) => (
            <button type="button" key={k} role="radio" aria-checked={kind === k} className={kind === k ? 'on' : ''} onClick={() => form.set('kind', k)} data-testid={`kind-${k}`}>
              {enumLabel(k)}
            </button>
          ))}
        </div>
        {form.banner && (
          <div className="banner banner-error" role="alert" data-testid="form-error">
            {form.banner}
          </div>
        )}
        {layout.map(([title, names]) => (
          <fieldset key={title} className="form-section card" data-section={title}>
            <legend>{t(title)}</legend>
            <div className="field-grid">{names.map(row)}</div>
            {title === 'attendees' && !companyId && <p className="muted small">{t('choose_company_first')}</p>}
          </fieldset>
        ))}
        <fieldset className="form-section card next-action" data-section="task">
          <legend>{t('next_action')}</legend>
          <label className="switch">
            <input type="checkbox" checked={withTask} onChange={(e) => setWithTask(e.target.checked)} data-testid="next-action-toggle" />
            {t('next_action_create')}
          </label>
          {withTask && (
            <div className="field-grid">
              {taskDefs.map((d) => (
                <FieldRow key={d.name} def={d} value={task.values[d.name]} onChange={(v) => task.set(d.name, v)} error={task.errors[d.name]} />
              ))}
            </div>
          )}
          {task.banner && <div className="banner banner-error">{task.banner}</div>}
        </fieldset>
        {stored && (linkedTasks.rows?.length ?? 0) > 0 && (
          <section className="card">
            <h3>{t('nav_tasks')}</h3>
            <ChildTable kind="task" rows={linkedTasks.rows} columns={['title', 'due', 'assignee_id', 'done']} testid="activity-tasks" />
          </section>
        )}
        <div className="form-actions sticky-actions">
          <button type="button" className="btn" onClick={() => window.history.back()}>
            {t('cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={form.busy} data-testid="activity-save">
            {form.busy ? t('saving') : t('save')}
          </button>
        </div>
      </form>
      {stored ? <Attachments ownerKind="activity" ownerId={stored.id} /> : <p className="muted small" data-testid="attachments-save-first">{t('att_save_first')}</p>}
    </div>
  );
}

function changed(old: Record<string, unknown>, data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (JSON.stringify(old[k] ?? null) !== JSON.stringify(v)) out[k] = v;
  return out;
}
