import type { RunResult } from '../runtime/exec/runGraph.js';
import { foldReturns, walkForwardReports, type WalkForwardReport } from '../runtime/learn/walkForward.js';
import type { BrokerReport } from '../runtime/portfolio/simulatedBroker.js';
import { escapeHtml as esc, formatNumber, formatTime } from './page.js';

/**
 * The report's section on walk-forward learners (model.onnx retrain, stacker.logistic): each
 * fold's training rows and out-of-sample scores beside the strategy's and buy-and-hold's return
 * over the fold, and a stacker's learned weights.
 */
export function modelSection(result: RunResult): string {
  const learners = Object.entries(walkForwardReports(result));
  if (!learners.length) return '';
  const broker = Object.values(result.reports).find((r) => (r as { kind?: string })?.kind === 'broker') as BrokerReport | undefined;
  const out = ['<section class="models" id="models"><h2>models <span class="muted small">walk-forward, scored out of sample</span></h2>'];
  out.push(
    '<p class="muted small">Each fold is predicted by a model fitted only on rows whose labels were known before the fold began (purged, plus the embargo): every score below, and the strategy\'s equity from the first fold on, is out of sample. ' +
      'The prior log-loss is that of always predicting the training rows\' class frequencies: a model that does not beat it has learned nothing usable.</p>',
  );
  learners.forEach(([id, m], k) => out.push(learnerTable(id, m, k === learners.length - 1 ? broker : undefined)));
  out.push('</section>');
  return out.join('\n');
}

function learnerTable(id: string, m: WalkForwardReport, broker: BrokerReport | undefined): string {
  const s = m.schedule;
  const n = (v: number, digits = 3) => esc(formatNumber(v, digits));
  const out = [`<h3 id="model-${esc(id)}">${esc(id)} <span class="muted small">${esc(m.trainer)} over ${esc(m.inputs.join(', '))}; refit every ${s.every.toLocaleString('en-US')} events on ${s.window ? `the latest ${s.window.toLocaleString('en-US')}` : 'all'} labelled rows; label: return over ${s.horizon} events, band ${s.band}; embargo ${s.embargo}</span></h3>`];
  const head = ['fold', 'from', 'to', 'fitted on', 'rows', 'scored', 'accuracy', 'log-loss', 'prior', 'AUC', 'Brier', 'UP / DOWN calls', ...(broker ? ['strategy', 'buy &amp; hold'] : [])];
  const rows = m.folds.map((f, k) => {
    const r = foldReturns(f, broker);
    const beat = f.logLoss < f.priorLogLoss ? 'pos' : f.logLoss > f.priorLogLoss ? 'neg' : '';
    const fitted = f.given ? 'the given model' : `${esc(formatTime(f.trainFrom))} .. ${esc(formatTime(f.trainTo))}`;
    const cells = [
      String(m.folds[0]?.given ? k : k + 1),
      esc(Number.isFinite(f.from) ? formatTime(f.from) : 'no events'),
      esc(Number.isFinite(f.to) ? formatTime(f.to) : ''),
      fitted,
      f.given ? '' : f.trainRows.toLocaleString('en-US'),
      f.scored.toLocaleString('en-US'),
      n(f.accuracy),
      `<span class="${beat}">${n(f.logLoss)}</span>`,
      n(f.priorLogLoss),
      n(f.auc),
      n(f.brier),
      `${n(f.predictedUp * 100, 0)} % / ${n(f.predictedDown * 100, 0)} %`,
      ...(broker ? [`${n(r.strategyPct, 2)} %`, `${n(r.buyAndHoldPct, 2)} %`] : []),
    ];
    return `<tr>${cells.map((c, j) => `<td${j >= 1 && j <= 3 ? ' class="l"' : ''}>${c}</td>`).join('')}</tr>`;
  });
  const t = m.total;
  rows.push(`<tr class="total"><td class="l" colspan="5">all folds</td><td>${t.scored.toLocaleString('en-US')}</td><td>${n(t.accuracy)}</td><td>${n(t.logLoss)}</td><td>${n(t.priorLogLoss)}</td><td>${n(t.auc)}</td><td colspan="${broker ? 4 : 2}"></td></tr>`);
  out.push(`<div class="scroll"><table class="folds"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`);
  const weighted = m.folds.filter((f) => f.weights);
  if (weighted.length) {
    // A stacker: how much each base model's probability pulls towards UP, fold by fold.
    const up = m.classes.indexOf('UP');
    const wrows = weighted.map((f) => `<tr><td class="l">${esc(formatTime(f.from))}</td>${f.weights![up].map((w) => `<td class="${w > 0 ? 'pos' : w < 0 ? 'neg' : ''}">${n(w)}</td>`).join('')}</tr>`);
    out.push(`<p class="muted small">Learned weights towards UP, per fold (logistic coefficients of the standardised inputs; the other classes' are in the JSON summary):</p>`);
    out.push(`<div class="scroll"><table class="folds"><thead><tr><th>fold from</th>${m.inputs.map((i) => `<th>${esc(i)}</th>`).join('')}</tr></thead><tbody>${wrows.join('')}</tbody></table></div>`);
  }
  return out.join('\n');
}

export const MODEL_CSS = `
table.folds { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; }
table.folds th, table.folds td { padding: 2px 8px; text-align: right; white-space: nowrap; }
table.folds td.l { text-align: left; }
table.folds tr.total td { border-top: 1px solid var(--muted); font-weight: 600; }
`;
