// Prints the plain closing line `N passed, N failed` after vitest's own summary, so CI can read it, and says
// whether the real API server leg ran.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (mod.state() === 'failed' && !hasTests(mod)) failed++;
    }
    if (!process.env['VANE_TEST_APISERVER']) {
      process.stdout.write('\nreal API server leg skipped: VANE_TEST_APISERVER does not name a kube-apiserver start script (docs/compatibility.md)\n');
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

function hasTests(mod: TestModule): boolean {
  for (const _ of mod.children.allTests()) return true;
  return false;
}
