import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { renderReport, writeReport, REPORT_MAX_POINTS, type ReportData } from '../../src/train/report.js';
import { escapeHtml, formatNumber, linearTicks, thinPoints } from '../../src/train/report-svg.js';
import { crc32, encodePng, imageDataUri } from '../../src/train/report-png.js';

const LABELS = ['zero', 'one', 'two'];

/** A 12-epoch run whose loss falls over three decades, 5,000 steps, a 3-class confusion matrix, 5 samples. */
function sampleData(): ReportData {
  const epochs = Array.from({ length: 12 }, (_, i) => ({
    loss: 2 * 10 ** (-i / 4),
    val_loss: 2.5 * 10 ** (-i / 5),
    accuracy: 0.5 + i / 24,
    val_accuracy: 0.45 + i / 25,
    lr: 0.1 * 0.9 ** i,
    time: 1.25,
  }));
  const steps = Array.from({ length: 5000 }, (_, i) => ({ step: i + 1, loss: 2 * Math.exp(-i / 900) + (i === 2500 ? 5 : 0), lr: 0.1 * (1 - i / 5000) }));
  const image = Float32Array.from({ length: 16 * 16 }, (_, k) => (k % 16) / 15);
  return {
    title: 'Run <script>alert("x")</script>',
    facts: { model: 'cnn "small" & fast', backend: 'native', 'test accuracy': 0.98765 },
    history: { epochs, steps },
    confusion: { labels: LABELS, matrix: [[50, 2, 1], [3, 40, 0], [0, 7, 183]] },
    misclassified: Array.from({ length: 5 }, (_, i) => ({ image, height: 16, width: 16, label: i % 3, predicted: (i + 1) % 3, probability: 0.6 })),
  };
}

const count = (s: string, pattern: RegExp): number => (s.match(pattern) ?? []).length;

test('report: one self-contained page with a chart per curve, the matrix and the samples', () => {
  const html = renderReport(sampleData());
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  // loss per epoch, loss per step, accuracy, learning rate, confusion matrix
  assert.equal(count(html, /<svg /g), 5);
  assert.equal(count(html, /<\/svg>/g), 5);
  assert.equal(count(html, /class="heatmap"/g), 1);
  assert.equal(count(html, /<img class="sample"/g), 5);
  assert.equal(count(html, /src="data:image\/png;base64,/g), 5);
  // nothing from the network: no URL scheme at all, a CSP that forbids fetching, no external script
  assert.doesNotMatch(html, /https?:/i);
  assert.doesNotMatch(html, /\burl\(/i);
  assert.match(html, /Content-Security-Policy" content="default-src &#39;none&#39;/);
  assert.equal(count(html, /<script/g), 1);
  assert.doesNotMatch(html, /<script[^>]*src=/);
  // the loss spans more than two decades, so its axis is logarithmic; accuracy's is not
  assert.match(html, />loss \(log scale\)</);
  assert.match(html, />accuracy</);
  assert.doesNotMatch(html, /accuracy \(log scale\)/);
  // axes: labels and ticks
  assert.match(html, />epoch</);
  assert.match(html, />step</);
  assert.match(html, />learning rate</);
  assert.match(html, /class="tick"[^>]*>0\.01</);
  // legends name both curves
  assert.match(html, />train</);
  assert.match(html, />validation</);
});

test('report: text from the data is escaped', () => {
  const html = renderReport(sampleData());
  assert.ok(!html.includes('<script>alert'), 'the title must not become a script');
  assert.match(html, /<title>Run &lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;<\/title>/);
  assert.match(html, /cnn &quot;small&quot; &amp; fast/);
  const evil = renderReport({
    history: { epochs: [{ loss: 1, '"><img src=x onerror=alert(1)>': 0.5 }] },
    confusion: { labels: ['<b>', 'a"b'], matrix: [[1, 0], [0, 1]] },
  });
  assert.ok(!evil.includes('<img src=x'));
  assert.ok(!evil.includes('<b>'));
  assert.match(evil, /&lt;b&gt;/);
  assert.match(evil, /a&quot;b/);
  assert.equal(escapeHtml(`<a href='x'>&</a>`), '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
});

test('report: the one inline script is the one the CSP allows', () => {
  const html = renderReport(sampleData());
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
  const hash = createHash('sha256').update(script).digest('base64');
  assert.ok(html.includes(`script-src &#39;sha256-${hash}&#39;`));
});

test('report: long step series are thinned to the point budget, keeping spikes', () => {
  const html = renderReport(sampleData());
  const paths = [...html.matchAll(/<path class="line" d="M([^"]*)"/g)].map((m) => m[1]!.split('L').length);
  assert.ok(paths.length >= 5);
  for (const n of paths) assert.ok(n <= REPORT_MAX_POINTS, `a path has ${n} points`);
  const points = Array.from({ length: 10000 }, (_, i) => [i, i === 7777 ? 100 : Math.sin(i)] as const);
  const thin = thinPoints(points, 500);
  assert.ok(thin.length <= 500 && thin.length >= 250, `${thin.length} points`);
  assert.ok(thin.some(([x, y]) => x === 7777 && y === 100), 'the spike survives');
  for (let i = 1; i < thin.length; i++) assert.ok(thin[i]![0] > thin[i - 1]![0], 'in order');
  assert.deepEqual(thinPoints([[1, 2], [3, 4]], 10), [[1, 2], [3, 4]]);
});

test('report: confusion matrix cells carry counts and labels', () => {
  const html = renderReport(sampleData());
  assert.equal(count(html, /<rect class="cell"/g), 9);
  assert.match(html, /true two, predicted one: 7/);
  for (const n of [50, 40, 183, 7]) assert.match(html, new RegExp(`class="count[^"]*"[^>]*>${n}<`));
  // sample captions use the class names
  assert.match(html, /<span class="true">zero<\/span> &rarr; <span class="pred">one<\/span> \(60%\)/);
});

test('report: a history with no values still renders, saying so', () => {
  const html = renderReport({ history: { epochs: [] } });
  assert.match(html, />no data</);
  assert.equal(count(html, /<svg /g), 1);
  const nan = renderReport({ history: { epochs: [{ loss: NaN }, { loss: 1 }, { loss: 0.5 }] } });
  assert.match(nan, /<path class="line"/);
});

test('report: invalid data is refused with the field named', () => {
  assert.throws(() => renderReport({} as ReportData), /renderReport: data.history must be an object with an epochs array/);
  assert.throws(
    () => renderReport({ history: { epochs: [] }, confusion: { labels: ['a', 'b', 'c'], matrix: [[1, 2, 3], [1, 2]] } }),
    /renderReport: the confusion matrix must be 3 x 3 for 3 labels/,
  );
  assert.throws(
    () => renderReport({ history: { epochs: [] }, misclassified: [{ image: [1, 2, 3], height: 2, width: 2, label: 0, predicted: 1 }] }),
    /renderReport: misclassified\[0\].image has 3 values; a 2 x 2 image needs 4/,
  );
  assert.throws(() => writeReport('', { history: { epochs: [] } }), /writeReport: path must be a non-empty string/);
});

test('ticks: round steps that cover the range, labels with the decimals they need', () => {
  assert.deepEqual(linearTicks(0, 1, 5, false).map((t) => t.label), ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
  assert.deepEqual(linearTicks(1, 12, 6, true).map((t) => t.value), [0, 2, 4, 6, 8, 10, 12]);
  const t = linearTicks(0.9731, 0.9912, 5, false);
  assert.ok(t[0]!.value <= 0.9731 && t[t.length - 1]!.value >= 0.9912);
  assert.equal(formatNumber(0.00001, 0.00001), '1e-5');
  assert.equal(formatNumber(2500, 500), '2500');
});

test('png: a valid file pngjs decodes to the same pixels; CRC-32 check value', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  const gray = Uint8Array.from({ length: 6 * 4 }, (_, i) => i * 10);
  const decoded = PNG.sync.read(Buffer.from(encodePng(gray, 6, 4, 1)));
  assert.equal(decoded.width, 6);
  assert.equal(decoded.height, 4);
  for (let i = 0; i < gray.length; i++) assert.equal(decoded.data[i * 4], gray[i]);
  const rgb = Uint8Array.from({ length: 2 * 2 * 3 }, (_, i) => 20 * i);
  const d2 = PNG.sync.read(Buffer.from(encodePng(rgb, 2, 2, 3)));
  assert.deepEqual([...d2.data.subarray(4, 7)], [60, 80, 100]);
  assert.throws(() => encodePng(gray, 5, 4, 1), /encodePng: expected 20 values for 5 x 4 x 1, got 24/);
});

test('png: image data URIs are scaled from the smallest value (black) to the largest (white)', () => {
  const uri = imageDataUri([-1, 0, 1, 0.5], 2, 2);
  const png = PNG.sync.read(Buffer.from(uri.slice('data:image/png;base64,'.length), 'base64'));
  assert.deepEqual([0, 1, 2, 3].map((i) => png.data[i * 4]), [0, 128, 255, 191]);
  // channel-first RGB: red plane 1, others 0
  const red = PNG.sync.read(Buffer.from(imageDataUri([1, 0, 0], 1, 1).split(',')[1]!, 'base64'));
  assert.deepEqual([...red.data.subarray(0, 3)], [255, 0, 0]);
  assert.throws(() => imageDataUri([1, 2], 2, 2), /imageDataUri: an image of 2 x 2 needs 4 \(gray\) or 12 \(RGB\) values, got 2/);
});

/** The Chromium (or Chrome) binary: $CHROMIUM, or the first of the usual names on PATH. */
function findChromium(): string | null {
  const env = process.env['CHROMIUM'];
  if (env && existsSync(env)) return env;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() !== '') return r.stdout.trim();
  }
  return null;
}

const chromium = findChromium();

test(
  'report: a headless browser draws every chart and decodes every sample image',
  { skip: chromium === null ? 'no chromium on this machine (install it, or set CHROMIUM to its path)' : false, timeout: 60_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-report-'));
    try {
      const path = writeReport(join(dir, 'nested', 'report.html'), sampleData());
      assert.ok(readFileSync(path, 'utf8').startsWith('<!DOCTYPE html>'));
      const dom = execFileSync(
        chromium!,
        [
          '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions',
          `--user-data-dir=${join(dir, 'profile')}`, '--virtual-time-budget=5000', '--dump-dom', pathToFileURL(path).href,
        ],
        { encoding: 'utf8', timeout: 45_000, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const m = /data-rendered="([^"]*)"/.exec(dom);
      assert.ok(m, `the page's render probe did not run; the DOM began: ${dom.slice(0, 300)}`);
      const rendered = JSON.parse(m[1]!.replace(/&quot;/g, '"')) as { svgs: number; drawn: number; shapes: number; images: number };
      assert.equal(rendered.svgs, 5);
      assert.equal(rendered.drawn, 5, 'every chart has a visible line, marker or cell');
      assert.ok(rendered.shapes >= 9 + 4, `${rendered.shapes} visible shapes`);
      assert.equal(rendered.images, 5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
