// The dashboard's files, served under /dashboard/ on the API's own origin so the page calls the API without CORS.
// The files hold no data (every read goes through the authenticated API), so they are served without a token; the
// page is locked down by its Content-Security-Policy: scripts, styles and connections from this origin only, nothing
// inline, no framing, no form posts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { ApiError } from './api-error.js';
import { vanePackageRoot } from '../vane-package.js';

export const DASHBOARD_PATH = '/dashboard';

export const DASHBOARD_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Where `npm run build` (and `npm run build:dashboard`) writes the bundle: `dist/dashboard/` of the package. */
export function defaultDashboardDir(): string {
  return join(vanePackageRoot(), 'dist', 'dashboard');
}

export function registerDashboardRoutes(app: Express, dir: string): void {
  const files = express.static(dir, { index: 'index.html', dotfiles: 'deny', fallthrough: false, redirect: false, etag: true, lastModified: false });
  app.use(DASHBOARD_PATH, dashboardHeaders, withSlash, builtIn(dir), files, staticErrors);
}

/** `/dashboard` without the slash: the page's relative asset URLs need it. */
const withSlash: RequestHandler = (req, res, next) => {
  if (req.originalUrl === DASHBOARD_PATH || req.originalUrl.startsWith(`${DASHBOARD_PATH}?`)) res.redirect(308, `${DASHBOARD_PATH}/`);
  else next();
};

function builtIn(dir: string): RequestHandler {
  return (_req, _res, next) => {
    if (existsSync(join(dir, 'index.html'))) next();
    else next(new ApiError('Unavailable', 'the dashboard is not built: run `npm run build` (or `npm run build:dashboard`)'));
  };
}

/** The API's headers forbid every source; the page needs its own origin for its script, styles and API calls. */
const dashboardHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', DASHBOARD_CONTENT_SECURITY_POLICY);
  // Revalidated on every load, so an upgrade's new bundle is picked up at once; the files carry no per-caller data.
  res.setHeader('Cache-Control', 'no-cache');
  next();
};

/** The file server's refusals (a dotfile, a path out of its directory, a missing file) in the API's error shape. */
const staticErrors: ErrorRequestHandler = (err: unknown, req, _res, next): void => {
  const status = (err as { status?: unknown } | null)?.status;
  if (status === 403) next(new ApiError('Forbidden', `${req.originalUrl}: not served`));
  else if (status === 404) next(new ApiError('NotFound', `${req.originalUrl}: no such dashboard file`));
  else next(err);
};
