import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The order in which `npm test` hands test files to its workers (vitest.config.ts runs every project in one
 * pool). Vitest's own order runs the projects one after the other (e2e, infra, integration, unit), which on a
 * 2-core machine ends the run with the CPU-bound unit files alone, after the browser files ran all together.
 * This order starts the longest files first (so no long file starts last) and takes turns between the
 * projects (so a browser file, which mostly waits on Chromium and its stack, runs beside a file that computes).
 *
 * How long a file takes is known from vitest's results cache when it holds the file (a developer's machine);
 * on a clean clone (CI) it is guessed from what the file does: a browser file starts a whole stack and
 * Chromium; a file that starts a local stack or fuzzes waits on DynamoDB Local or sends thousands of requests.
 */

/** Guessed durations (ms) of files the cache does not know. */
const GUESS = { browser: 30_000, stackOrFuzz: 15_000 } as const;
const STARTS_A_STACK_OR_FUZZES = /\bstart(?:Local|TestStack|AdmissionStack)\(|\bfuzz\(/;

export default class LongestFirstAcrossProjects extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const expected = new Map(files.map((spec) => [spec, this.expectedMs(spec)]));
    // Per group order, per project, longest first.
    const byGroup = new Map<number, Map<string, TestSpecification[]>>();
    for (const spec of files) {
      const group = spec.project.config.sequence.groupOrder;
      const projects = byGroup.get(group) ?? new Map<string, TestSpecification[]>();
      byGroup.set(group, projects);
      const list = projects.get(spec.project.name) ?? [];
      projects.set(spec.project.name, list);
      list.push(spec);
    }
    const sorted: TestSpecification[] = [];
    for (const group of [...byGroup.keys()].sort((a, b) => a - b)) {
      const queues = [...byGroup.get(group)!.values()].map((list) => list.sort((a, b) => expected.get(b)! - expected.get(a)!));
      // Take turns: each round, the longest remaining file of each project, longest of them first.
      while (queues.some((q) => q.length > 0)) {
        const round = queues.filter((q) => q.length > 0).map((q) => q.shift()!);
        sorted.push(...round.sort((a, b) => expected.get(b)! - expected.get(a)!));
      }
    }
    return sorted;
  }

  /** The file's last duration from the cache, or a guess from what it does (its size for plain files). */
  private expectedMs(spec: TestSpecification): number {
    const key = `${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`;
    const cached = this.ctx.cache.getFileTestResults(key);
    if (cached && !cached.failed && cached.duration > 0) return cached.duration;
    let source = '';
    try {
      source = readFileSync(spec.moduleId, 'utf8');
    } catch {
      return 0;
    }
    // Among files of a kind, a longer one does more.
    const base = spec.project.name === 'e2e' ? GUESS.browser : STARTS_A_STACK_OR_FUZZES.test(source) ? GUESS.stackOrFuzz : 0;
    return base + source.length / 10;
  }
}
