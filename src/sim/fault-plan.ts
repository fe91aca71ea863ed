import { isRequestFault, parseFaultSpec, type ContentFault, type FaultRule, type RequestFault, type Upstream } from './fault-spec.ts';
import { stableFraction, type Random } from './seeded-random.ts';

/** A parsed fault spec, answering "which fault hits this request?" and "is this entry affected?". */
export class FaultPlan {
  constructor(
    private readonly rules: FaultRule[],
    /** Seeds the per-entry content decisions, so another seed picks other entries. */
    private readonly seed: number,
  ) {}

  static parse(spec: string, seed: number): FaultPlan {
    return new FaultPlan(parseFaultSpec(spec), seed);
  }

  /** One uniform roll against the upstream's cumulative request-fault probabilities. */
  rollRequest(upstream: Upstream, random: Random): { kind: RequestFault; stormSeconds: number } | null {
    const applicable = this.rules.filter((r) => r.upstreams.includes(upstream) && isRequestFault(r.kind) && r.probability > 0);
    if (applicable.length === 0) return null;
    const roll = random.next();
    let cumulative = 0;
    for (const rule of applicable) {
      cumulative += rule.probability;
      if (roll < cumulative) return { kind: rule.kind as RequestFault, stormSeconds: rule.stormSeconds };
    }
    return null;
  }

  /** Whether entry `id` shows content fault `kind` on `upstream`; stable for a seed. */
  affects(kind: ContentFault, upstream: Upstream, id: number): boolean {
    const rule = this.rules.find((r) => r.kind === kind && r.upstreams.includes(upstream));
    if (!rule || rule.probability <= 0) return false;
    return stableFraction(this.seed, kind, id) < rule.probability;
  }
}
