// Where the shared real-world CRD fixtures live: $VANE_CRD_FIXTURES, else ../shared/fixtures/crds beside the
// repository (also when the repository is a fresh clone elsewhere, via the checkout this suite was written in).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const CANDIDATES = [process.env['VANE_CRD_FIXTURES'], resolve(import.meta.dirname, '../../../../shared/fixtures/crds'), '/work/shared/fixtures/crds'];

export const FIXTURE_CRD_DIR: string = CANDIDATES.find((dir): dir is string => dir !== undefined && existsSync(dir)) ?? resolve(import.meta.dirname, '../../../../shared/fixtures/crds');
