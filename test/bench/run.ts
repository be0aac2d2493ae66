// `npm run bench`: runs every benchmark in one process run, prints one markdown table, writes the figures as JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { runSandboxListBench } from './sandbox-list.js';

interface Section {
  name: string;
  figures: Record<string, number>;
}

const sections: Section[] = [{ name: 'sandbox list (5,000 objects, separate process)', figures: await runSandboxListBench() }];

const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
const lines = ['| benchmark | figure | value |', '|---|---|---|'];
for (const section of sections) {
  for (const [figure, value] of Object.entries(section.figures)) lines.push(`| ${section.name} | ${figure} | ${value} |`);
}
process.stdout.write(`${lines.join('\n')}\n\nmachine: ${machine.cpus} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}\n`);

const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify({ machine, sections }, null, 2)}\n`);
process.stdout.write(`figures written to ${file}\n`);
