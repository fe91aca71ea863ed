import { MemoryRateGate } from './memory-rate-gate.ts';
import { rateGateConformance } from '../../../test/conformance/rate-gate-conformance.ts';

rateGateConformance('MemoryRateGate', (options, clock) => new MemoryRateGate(options, clock));
