import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as api from '../api';
import type { Filter } from '../bindings/Filter';
import { useAppData, useToast } from '../app/data';
import { useNewShortcut, useRoute } from '../app/router';
import { useRecords } from '../components/ChildTable';
import { RecordDialog } from '../components/RecordDialog';
import { today } from '../dates';
import { describeError } from '../errors';
import { formatNumber } from '../format';
import { useI18n } from '../i18n';
import { TaskRow, toggleTask } from './Home';

export function TasksScreen() {
  const { t, lang } = useI18n();
  const toast = useToast();
  const { users, settings, bump } = useAppData();
  const [status, setStatus] = useState<'open' | 'done'>('open');
  const [assignee, setAssignee] = useState<string>('');
  const [editing, setEditing] = useState<api.StoredOf<'task'> | 'new' | null>(null);
  const filters = useMemo(() => {
    const f: Filter[] = [{ field: 'done', op: 'eq', value: status === 'done' }];
    if (assignee) f.push({ field: 'assignee_id', op: 'eq', value: assignee });
    return f;
  }, [status, assignee]);
  const tasks = useRecords('task', filters, status === 'done' ? { sort: 'done_on', desc: true } : { sort: 'due' });
  useNewShortcut(useCallback(() => setEditing('new'), []));
  const route = useRoute();
  const handledOpen = useRef<string | null>(null);
  useEffect(() => {
    const open = route.params.get('open');
    if (open && handledOpen.current !== open) {
      handledOpen.current = open;
      api.get('task', open).then(setEditing, () => {});
    }
  }, [route.params]);
  const now = today();
  const overdue = (tasks.rows ?? []).filter((x) => !x.data.done && x.data.due && x.data.due < now).length;
  const onDone = async (task: api.StoredOf<'task'>) => {
    try {
      await toggleTask(task);
      bump();
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
      throw e;
    }
  };
  return (
    <div className="page" data-testid="screen-tasks">
      <div className="page-head">
        <div>
          <h1>{t('nav_tasks')}</h1>
          <p className="muted">
            {t('rows', { n: formatNumber(tasks.rows?.length ?? 0, lang) })}
            {overdue > 0 && <span className="pill pill-danger"> {t('overdue')} {overdue}</span>}
          </p>
        </div>
        <button className="btn btn-primary" onClick={() => setEditing('new')} data-testid="add-task" title={t('shortcut_new_title')} aria-keyshortcuts="Control+N">
          + {t('add_task')}
        </button>
      </div>
      <div className="filters">
        <div className="segmented" role="radiogroup">
          <button className={status === 'open' ? 'on' : ''} onClick={() => setStatus('open')} data-testid="tasks-open">
            {t('tasks_open')}
          </button>
          <button className={status === 'done' ? 'on' : ''} onClick={() => setStatus('done')} data-testid="tasks-done">
            {t('tasks_done')}
          </button>
        </div>
        <select value={assignee} onChange={(e) => setAssignee(e.target.value)} data-testid="tasks-assignee" aria-label={t('assignee')}>
          <option value="">
            {t('assignee')}: {t('all')}
          </option>
          {settings?.current_user_id && <option value={settings.current_user_id}>{lang === 'ja' ? '自分' : 'Me'}</option>}
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.display_name}
            </option>
          ))}
        </select>
      </div>
      <section className="card">
        {tasks.error && <div className="banner banner-error">{tasks.error}</div>}
        {tasks.rows == null ? (
          <p className="muted">{t('loading')}</p>
        ) : tasks.rows.length === 0 ? (
          <p className="empty">{t('home_no_tasks')}</p>
        ) : (
          <ul className="tasks tasks-big" data-testid="task-list">
            {tasks.rows.map((x) => (
              <div key={x.id} className="task-click" onDoubleClick={() => setEditing(x)}>
                <TaskRow task={x} onDone={onDone} />
                <button className="btn-icon task-edit" onClick={() => setEditing(x)} aria-label={t('edit')} data-testid="task-edit">
                  ✎
                </button>
              </div>
            ))}
          </ul>
        )}
      </section>
      {editing && (
        <RecordDialog
          kind="task"
          stored={editing === 'new' ? null : editing}
          initial={editing === 'new' ? { due: now, assignee_id: settings?.current_user_id ?? '' } : undefined}
          onClose={() => setEditing(null)}
        />
      )}
    </div>
  );
}
