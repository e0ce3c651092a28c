import { useCallback, useEffect, useState } from 'react';
import * as api from '../api';
import type { Kind } from '../bindings/Kind';
import { useAppData, useToast } from '../app/data';
import { href, navigate, useNewShortcut } from '../app/router';
import { RecordDialog } from '../components/RecordDialog';
import { RefLink } from '../components/RecordView';
import { daysBetween, formatDate, formatDateTime, today } from '../dates';
import { describeError } from '../errors';
import { formatYen } from '../format';
import { useI18n } from '../i18n';
import { HomePriorities } from '../components/PriorityLists';
import { ask } from '../confirm';
import { HomeRenewalAlerts, HomeSharedReports } from '../components/FollowThrough';

export function TaskRow({ task, onDone, showCompany = true }: { task: api.StoredOf<'task'>; onDone: (t: api.StoredOf<'task'>) => Promise<void>; showCompany?: boolean }) {
  const { t, lang, wareki } = useI18n();
  const d = task.data;
  // Ticked at once; the list catches up when the core has saved it.
  const [checked, setChecked] = useState(d.done);
  useEffect(() => setChecked(d.done), [d.done, task.version]);
  const now = today();
  const overdue = !d.done && d.due != null && d.due < now;
  const days = d.due ? daysBetween(d.due, now) : 0;
  return (
    <li className={`task-row ${overdue ? 'overdue' : ''} ${checked ? 'done' : ''}`} data-testid="task-row" data-id={task.id}>
      <label className="task-check">
        <input
          type="checkbox"
          checked={checked}
          onChange={() => {
            setChecked(!checked);
            onDone(task).catch(() => setChecked(d.done));
          }}
          data-testid="task-done"
          aria-label={d.title}
        />
      </label>
      <div className="task-main">
        <span className="task-title" data-testid="task-title">
          {d.title}
        </span>
        <span className="task-meta">
          {showCompany && d.company_id && <RefLink kind="company" id={d.company_id} />}
          {d.assignee_id && (
            <span className="muted">
              👤 <RefLink kind="user" id={d.assignee_id} />
            </span>
          )}
          {d.activity_id && (
            <a className="muted" href={href('activity', d.activity_id)}>
              ↳ {t('nav_activities')}
            </a>
          )}
        </span>
      </div>
      {d.due && (
        <span className={`due ${overdue ? 'due-over' : d.due === now ? 'due-today' : ''}`} title={formatDate(d.due, wareki, lang)}>
          {formatDate(d.due, wareki, lang)}
          {overdue && <small> · {t('days_over', { n: days })}</small>}
        </span>
      )}
    </li>
  );
}

/** Ticks a task done (done_on today) or back to open. */
export async function toggleTask(task: api.StoredOf<'task'>) {
  const done = !task.data.done;
  return api.patch('task', task.id, done ? { done: true, done_on: today() } : { done: false, done_on: null }, task.version);
}

export function HomeScreen() {
  const { t, wareki, enumLabel, lang } = useI18n();
  const toast = useToast();
  const { revision, bump } = useAppData();
  const [data, setData] = useState<api.HomeData | null>(null);
  const [mine, setMine] = useState(false);
  const [adding, setAdding] = useState<Kind | null>(null);
  const load = useCallback(() => {
    api.home(mine).then(setData, (e) => toast(describeError(api.toApiError(e), lang), 'error'));
  }, [mine, toast, lang]);
  useEffect(load, [load, revision]);
  // The demo banner: shown while demo records are live.
  const [demo, setDemo] = useState(0);
  const [removing, setRemoving] = useState(false);
  useEffect(() => {
    api.firstRunState().then((s) => setDemo(s.demo_records), () => setDemo(0));
  }, [revision]);
  const removeDemo = async () => {
    if (!(await ask(t('demo_remove_confirm', { n: demo.toLocaleString(lang) })))) return;
    setRemoving(true);
    try {
      const s = await api.demoRemove();
      toast(t('demo_removed', { n: demo.toLocaleString(lang) }), 'ok');
      setDemo(s.demo_records);
      bump();
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    } finally {
      setRemoving(false);
    }
  };
  useNewShortcut(useCallback(() => setAdding('company'), []));
  const onDone = async (task: api.StoredOf<'task'>) => {
    try {
      await toggleTask(task);
      bump();
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
      throw e;
    }
  };
  const taskList = (items: api.StoredOf<'task'>[] | undefined, testid: string) =>
    !items || items.length === 0 ? (
      <p className="empty small">{t('home_no_tasks')}</p>
    ) : (
      <ul className="tasks" data-testid={testid}>
        {items.map((x) => (
          <TaskRow key={x.id} task={x} onDone={onDone} />
        ))}
      </ul>
    );
  const now = data?.today ?? today();
  return (
    <div className="page" data-testid="screen-home">
      <div className="page-head">
        <div>
          <h1>{t('home_title')}</h1>
          <p className="muted">{formatDate(now, wareki, lang)}</p>
        </div>
        <div className="quick-add" aria-label={t('home_quick_add')}>
          <span className="muted small">{t('home_quick_add')}</span>
          <button className="btn" onClick={() => setAdding('company')} data-testid="quick-company" title={t('shortcut_new_title')} aria-keyshortcuts="Control+N">
            🏢 {t('nav_companies')}
          </button>
          <button className="btn" onClick={() => setAdding('contact')} data-testid="quick-contact">
            👤 {t('nav_contacts')}
          </button>
          <button className="btn" onClick={() => navigate('activity', 'new')} data-testid="quick-activity">
            🗒️ {t('nav_activities')}
          </button>
          <button className="btn" onClick={() => setAdding('task')} data-testid="quick-task">
            ✅ {t('nav_tasks')}
          </button>
        </div>
      </div>
      {demo > 0 && (
        <div className="banner banner-error" role="status" data-testid="demo-banner" style={{ display: 'flex', gap: 12, alignItems: 'center', marginBottom: 12 }}>
          <strong>🧪 {t('demo_banner')}</strong>
          <span className="muted small">{t('demo_banner_hint')}</span>
          <button type="button" className="btn" style={{ marginLeft: 'auto' }} onClick={() => void removeDemo()} disabled={removing} data-testid="demo-remove">
            {t('demo_remove')}
          </button>
        </div>
      )}
      <div className="home-grid">
        <section className="card" data-testid="home-tasks">
          <header className="card-head">
            <h2>{t('nav_tasks')}</h2>
            <label className="switch small">
              <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} data-testid="home-mine" />
              {t('home_only_mine')}
            </label>
          </header>
          {(data?.overdue_tasks.length ?? 0) > 0 && (
            <>
              <h3 className="sub sub-danger">
                {t('home_overdue')} <span className="count">{data!.overdue_tasks.length}</span>
              </h3>
              {taskList(data?.overdue_tasks, 'home-overdue')}
            </>
          )}
          <h3 className="sub">
            {t('home_today')} <span className="count">{data?.today_tasks.length ?? 0}</span>
          </h3>
          {taskList(data?.today_tasks, 'home-today')}
          <h3 className="sub">
            {t('home_upcoming')} <span className="count">{data?.upcoming_tasks.length ?? 0}</span>
          </h3>
          {taskList(data?.upcoming_tasks, 'home-upcoming')}
        </section>
        <HomeRenewalAlerts alerts={data?.renewal_alerts} />
        <section className="card" data-testid="home-renewals">
          <header className="card-head">
            <h2>{t('home_renewals')}</h2>
            <span className="count">{data?.renewals.length ?? 0}</span>
          </header>
          {!data || data.renewals.length === 0 ? (
            <p className="empty small">{t('none')}</p>
          ) : (
            <table className="table compact">
              <tbody>
                {data.renewals.map((p) => {
                  const d = p.data;
                  const dates = [d.renewal_date, d.expiry_date].filter((x): x is string => !!x && x >= now).sort();
                  const next = dates[0] ?? d.expiry_date ?? d.renewal_date;
                  const left = next ? daysBetween(now, next) : null;
                  return (
                    <tr key={p.id} data-testid="renewal-row">
                      <td>
                        <RefLink kind="company" id={d.company_id} />
                        <div className="muted small">{d.product_name || p.display_name}</div>
                      </td>
                      <td className="nowrap">
                        {next === d.renewal_date ? t('renewal') : t('expiry')} {formatDate(next, wareki, lang)}
                      </td>
                      <td className="num">{formatYen(d.amount, lang)}</td>
                      <td className="nowrap">{left != null && <span className={`pill ${left <= 30 ? 'pill-warn' : ''}`}>{t('days_left', { n: left })}</span>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </section>
        <HomePriorities data={data?.priorities} />
        <HomeSharedReports reports={data?.shared_reports} />
        <section className="card card-span" data-testid="home-recent">
          <header className="card-head">
            <h2>{t('home_recent')}</h2>
            <a href="#/activities" className="btn-link">
              {t('nav_activities')} →
            </a>
          </header>
          {!data || data.recent_activities.length === 0 ? (
            <p className="empty small">{t('none')}</p>
          ) : (
            <ul className="recent">
              {data.recent_activities.map((a) => (
                <li key={a.id} data-testid="recent-activity">
                  <span className={`badge badge-${a.data.kind}`}>{enumLabel(a.data.kind)}</span>
                  <a href={href('activity', a.id)} className="recent-title">
                    {a.display_name}
                  </a>
                  {a.data.company_id && (
                    <span className="muted">
                      <RefLink kind="company" id={a.data.company_id} />
                    </span>
                  )}
                  <time className="muted small">{formatDateTime(a.data.occurred_at, wareki, lang)}</time>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      {adding && (
        <RecordDialog
          kind={adding}
          onClose={() => setAdding(null)}
          initial={adding === 'task' ? { due: today() } : undefined}
          onSaved={(s) => {
            if (s.kind === 'company') navigate('company', s.id);
            else if (s.kind === 'contact') navigate('contact', s.id);
          }}
        />
      )}
    </div>
  );
}
