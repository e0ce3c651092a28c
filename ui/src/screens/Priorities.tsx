// 顧客ランク (issue 21 item 1): the ABC / Pareto analysis of a period's
// revenue — a Pareto chart (bars by customer, the cumulative line, the A/B/C
// boundaries) drawn with ECharts, the ranked table with the suggested rank
// beside the one set by hand, one-click apply and its undo, and the
// settings (period, thresholds, contact rhythm, dormant days, cross-sell
// minimums). Also Home's overdue / dormant lists and the company page's
// "この会社に提案できる商品".

import { useCallback, useEffect, useRef, useState } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import * as api from '../api';
import { useAppData, useToast } from '../app/data';
import { href } from '../app/router';
import { describeError } from '../errors';
import { formatYen } from '../format';
import { useI18n } from '../i18n';
import * as reports from '../reports';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

const pct = (v: number, lang: string) => `${(v * 100).toLocaleString(lang, { maximumFractionDigits: 1 })}%`;

/** The Pareto chart: one bar per customer (best first), the cumulative share as a line, A/B boundaries. */
function ParetoChart({ report }: { report: reports.AbcReport }) {
  const { lang } = useI18n();
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'svg' });
    const rows = report.companies.filter((c) => c.revenue > 0);
    const ja = lang === 'ja';
    const color = (r: string) => (r === 'A' ? '#c0392b' : r === 'B' ? '#e67e22' : '#95a5a6');
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { data: [ja ? '売上' : 'Revenue', ja ? '累積構成比' : 'Cumulative share'] },
      grid: { left: 80, right: 60, top: 40, bottom: 60 },
      xAxis: {
        type: 'category',
        data: rows.map((c) => c.name),
        axisLabel: { interval: rows.length > 30 ? 'auto' : 0, rotate: 30, fontSize: 10 },
        name: ja ? '顧客(売上順)' : 'Customers (by revenue)',
        nameLocation: 'middle',
        nameGap: 45,
      },
      yAxis: [
        { type: 'value', name: ja ? '売上(円)' : 'Revenue (¥)', axisLabel: { formatter: (v: number) => v.toLocaleString(lang) } },
        { type: 'value', name: ja ? '累積構成比' : 'Cumulative', min: 0, max: 1, axisLabel: { formatter: (v: number) => pct(v, lang) } },
      ],
      series: [
        {
          name: ja ? '売上' : 'Revenue',
          type: 'bar',
          data: rows.map((c) => ({ value: c.revenue, itemStyle: { color: color(c.suggested_rank) } })),
        },
        {
          name: ja ? '累積構成比' : 'Cumulative share',
          type: 'line',
          yAxisIndex: 1,
          data: rows.map((c) => c.cumulative_share),
          symbolSize: 4,
          markLine: {
            symbol: 'none',
            lineStyle: { type: 'dashed' },
            label: { formatter: '{b}' },
            data: [
              { name: `A ${pct(report.a_threshold, lang)}`, yAxis: report.a_threshold },
              { name: `B ${pct(report.b_threshold, lang)}`, yAxis: report.b_threshold },
            ],
          },
        },
      ],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [report, lang]);
  return <div ref={el} className="pareto-chart" style={{ width: '100%', height: 360 }} data-testid="pareto-chart" role="img" aria-label={lang === 'ja' ? 'パレート図' : 'Pareto chart'} />;
}

function SettingsForm({ onSaved }: { onSaved: () => void }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const [s, setS] = useState<reports.ReportSettings | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    reports.reportSettings().then(setS, (e) => toast(describeError(api.toApiError(e), lang), 'error'));
  }, [toast, lang]);
  if (!s) return null;
  const pctField = (k: 'abc_a' | 'abc_b' | 'min_support' | 'min_confidence', label: string) => (
    <label className="field-inline">
      {label}
      <input
        type="number"
        min={0}
        max={100}
        step={1}
        value={Math.round(s[k] * 1000) / 10}
        onChange={(e) => setS({ ...s, [k]: Number(e.target.value) / 100 })}
        data-testid={`setting-${k}`}
      />
      %{errors[k] && <span className="field-error">{errors[k]}</span>}
    </label>
  );
  const numField = (k: 'abc_months' | 'rhythm_a_days' | 'rhythm_b_days' | 'rhythm_c_days' | 'dormant_days' | 'suppress_days' | 'min_lift', label: string, unit: string) => (
    <label className="field-inline">
      {label}
      <input type="number" min={0} step={k === 'min_lift' ? 0.1 : 1} value={s[k]} onChange={(e) => setS({ ...s, [k]: Number(e.target.value) })} data-testid={`setting-${k}`} />
      {unit}
      {errors[k] && <span className="field-error">{errors[k]}</span>}
    </label>
  );
  const save = async () => {
    try {
      setS(await reports.setReportSettings(s));
      setErrors({});
      toast(t('saved'), 'ok');
      onSaved();
    } catch (e) {
      const err = api.toApiError(e);
      const out: Record<string, string> = {};
      for (const d of err.details) out[d.field] = describeError({ ...err, code: d.code, details: [d] }, lang);
      setErrors(out);
      toast(describeError(err, lang), 'error');
    }
  };
  return (
    <details className="card" data-testid="priority-settings">
      <summary>{t('prio_settings')}</summary>
      <div className="form-row">
        {numField('abc_months', t('prio_period'), t('prio_months'))}
        {pctField('abc_a', t('prio_a_line'))}
        {pctField('abc_b', t('prio_b_line'))}
      </div>
      <div className="form-row">
        {numField('rhythm_a_days', t('prio_rhythm', { r: 'A' }), t('prio_days'))}
        {numField('rhythm_b_days', t('prio_rhythm', { r: 'B' }), t('prio_days'))}
        {numField('rhythm_c_days', t('prio_rhythm', { r: 'C' }), t('prio_days'))}
        {numField('dormant_days', t('prio_dormant_days'), t('prio_days'))}
      </div>
      <div className="form-row">
        {pctField('min_support', t('prio_min_support'))}
        {pctField('min_confidence', t('prio_min_confidence'))}
        {numField('min_lift', t('prio_min_lift'), '')}
        {numField('suppress_days', t('prio_suppress_days'), t('prio_days'))}
      </div>
      <button className="btn btn-primary" onClick={() => void save()} data-testid="priority-settings-save">
        {t('save')}
      </button>
    </details>
  );
}

export function PrioritiesScreen() {
  const { t, lang } = useI18n();
  const toast = useToast();
  const { revision, bump } = useAppData();
  const [report, setReport] = useState<reports.AbcReport | null>(null);
  const [months, setMonths] = useState<number | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => {
    reports.abc(months).then(setReport, (e) => toast(describeError(api.toApiError(e), lang), 'error'));
  }, [months, toast, lang]);
  useEffect(load, [load, revision]);
  const apply = async () => {
    setBusy(true);
    try {
      const a = await reports.applyRanks(months);
      toast(t('prio_applied', { n: a.changes.length }), 'ok');
      bump();
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    } finally {
      setBusy(false);
    }
  };
  const undo = async (id: string) => {
    setBusy(true);
    try {
      const a = await reports.undoRanks(id);
      toast(t('prio_undone', { n: a.changes.length - a.kept.length, kept: a.kept.length }), 'ok');
      bump();
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    } finally {
      setBusy(false);
    }
  };
  const last = report?.last_application;
  return (
    <div className="page" data-testid="screen-priorities">
      <div className="page-head">
        <div>
          <h1>{t('nav_priorities')}</h1>
          <p className="muted">{t('prio_lead')}</p>
        </div>
        <label className="field-inline">
          {t('prio_period')}
          <select value={months ?? ''} onChange={(e) => setMonths(e.target.value ? Number(e.target.value) : undefined)} data-testid="prio-months">
            <option value="">{t('prio_default_period')}</option>
            {[3, 6, 12, 24, 36].map((m) => (
              <option key={m} value={m}>
                {t('prio_last_months', { n: m })}
              </option>
            ))}
          </select>
        </label>
      </div>
      {report && (
        <>
          <p className="muted" data-testid="prio-summary">
            {t('prio_summary', { from: report.from, to: report.to, total: formatYen(report.total, lang), n: report.companies.filter((c) => c.revenue > 0).length })}
          </p>
          <section className="card">
            {report.total > 0 ? <ParetoChart report={report} /> : <p className="empty">{t('prio_no_revenue')}</p>}
          </section>
          <div className="toolbar" style={{ display: 'flex', gap: 8, alignItems: 'center', margin: '12px 0' }}>
            <button className="btn btn-primary" disabled={busy || report.changes === 0} onClick={() => void apply()} data-testid="prio-apply">
              {t('prio_apply', { n: report.changes })}
            </button>
            {last && !last.undone_at && (
              <button className="btn" disabled={busy} onClick={() => void undo(last.id)} data-testid="prio-undo">
                {t('prio_undo', { n: last.changes.length })}
              </button>
            )}
          </div>
          <table className="table" data-testid="prio-table">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('prio_company')}</th>
                <th className="num">{t('prio_revenue')}</th>
                <th className="num">{t('prio_share')}</th>
                <th className="num">{t('prio_cumulative')}</th>
                <th>{t('prio_suggested')}</th>
                <th>{t('prio_current')}</th>
              </tr>
            </thead>
            <tbody>
              {report.companies.map((c, i) => (
                <tr key={c.company_id} data-testid="prio-row" data-id={c.company_id}>
                  <td className="num">{i + 1}</td>
                  <td>
                    <a href={href('company', c.company_id)}>{c.name}</a>
                  </td>
                  <td className="num">{formatYen(c.revenue, lang)}</td>
                  <td className="num">{pct(c.share, lang)}</td>
                  <td className="num">{pct(c.cumulative_share, lang)}</td>
                  <td data-testid="prio-suggested">
                    <span className={`pill rank-${c.suggested_rank}`}>{c.suggested_rank}</span>
                  </td>
                  <td data-testid="prio-current">
                    {c.rank ?? '—'}
                    {c.rank !== c.suggested_rank && <span className="muted small"> → {c.suggested_rank}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <SettingsForm onSaved={load} />
    </div>
  );
}
