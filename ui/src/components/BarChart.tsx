// A small inline-SVG bar chart (revenue and profit per year); no library.

export interface BarSeries {
  label: string;
  className: string;
  values: (number | null)[];
}

export function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function BarChart({
  categories,
  series,
  format,
  height = 220,
  testid = 'bar-chart',
}: {
  categories: string[];
  series: BarSeries[];
  format: (n: number) => string;
  height?: number;
  testid?: string;
}) {
  const all = series.flatMap((s) => s.values.filter((v): v is number => v != null));
  const max = niceMax(Math.max(0, ...all));
  const min = Math.min(0, ...all);
  const lo = min < 0 ? -niceMax(-min) : 0;
  const padL = 64;
  const padB = 24;
  const padT = 10;
  const groupW = 64;
  const width = Math.max(320, padL + categories.length * groupW + 16);
  const plotH = height - padB - padT;
  const y = (v: number) => padT + ((max - v) / (max - lo)) * plotH;
  const barW = Math.min(22, (groupW - 12) / Math.max(1, series.length));
  const ticks = [lo, lo + (max - lo) / 4, lo + (max - lo) / 2, lo + (3 * (max - lo)) / 4, max];
  return (
    <figure className="chart" data-testid={testid}>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" height={height} role="img" preserveAspectRatio="xMinYMin meet">
        {ticks.map((tk, i) => (
          <g key={i}>
            <line x1={padL} x2={width - 8} y1={y(tk)} y2={y(tk)} className={tk === 0 ? 'axis' : 'grid'} />
            <text x={padL - 6} y={y(tk) + 4} textAnchor="end" className="tick">
              {format(tk)}
            </text>
          </g>
        ))}
        {categories.map((c, ci) => {
          const gx = padL + ci * groupW + 8;
          return (
            <g key={c}>
              {series.map((s, si) => {
                const v = s.values[ci];
                if (v == null) return null;
                const top = y(Math.max(v, 0));
                const h = Math.abs(y(v) - y(0));
                return (
                  <rect key={s.label} x={gx + si * (barW + 2)} y={top} width={barW} height={Math.max(1, h)} className={`bar ${s.className}`} rx={2}>
                    <title>{`${c} ${s.label}: ${format(v)}`}</title>
                  </rect>
                );
              })}
              <text x={gx + (series.length * (barW + 2)) / 2} y={height - 6} textAnchor="middle" className="tick">
                {c}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        {series.map((s) => (
          <span key={s.label} className="legend-item">
            <i className={`swatch ${s.className}`} />
            {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
