// What the global setup hands to test files through vitest's provide/inject.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The compiled `vane` entry point (test/support/build-cli.ts). */
    cliMain: string;
    /** The built dashboard (index.html, app.js, app.css) the API server serves in the browser tests. */
    dashboardDir: string;
  }
}
