import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard, bundledPackages, LICENSES_FILE } from './bundle.js';

describe('the dashboard bundle', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vane-dashboard-bundle-'));
    await buildDashboard(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is one module script and one stylesheet that the page links, with nothing inline for the CSP to refuse', () => {
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('<script type="module" src="app.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="app.css" />');
    expect(html).not.toMatch(/<style|style=|<script(?![^>]*\bsrc=)|https?:\/\//);
    expect(readFileSync(join(dir, 'app.js'), 'utf8')).toContain('vane.token');
    expect(readFileSync(join(dir, 'app.css'), 'utf8')).toContain('.uplot');
  });

  it('ships the licence of every bundled package beside the code', () => {
    const licences = readFileSync(join(dir, LICENSES_FILE), 'utf8');
    expect(licences).toMatch(/^preact \d+\.\d+\.\d+ \(MIT\)$/m);
    expect(licences).toMatch(/^uplot \d+\.\d+\.\d+ \(MIT\)$/m);
    expect(licences).toContain('Permission is hereby granted');
  });

  it('gives the same bytes from the same sources, wherever it writes them', async () => {
    const other = mkdtempSync(join(tmpdir(), 'vane-dashboard-bundle-'));
    try {
      await buildDashboard(other);
      for (const file of ['app.js', 'app.css', 'index.html', LICENSES_FILE]) expect(readFileSync(join(other, file))).toEqual(readFileSync(join(dir, file)));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('the packages a bundle holds', () => {
  it('are named from the node_modules paths of its inputs, scoped ones whole, each once', () => {
    expect(bundledPackages(['node_modules/uplot/dist/uPlot.esm.js', 'src/dashboard/app/main.tsx', 'node_modules/preact/hooks/dist/hooks.module.js', 'node_modules/preact/dist/preact.module.js', '../x/node_modules/@scope/pkg/index.js'])).toEqual([
      '@scope/pkg',
      'preact',
      'uplot',
    ]);
  });
});
