/** Every issue-15 scenario, in the order they run. Other scenarios are appended here. */
import { following } from './following.js';
import { lateJoin } from './late-join.js';
import type { Scenario } from './scenario.js';
import { ownerMixed } from './owner-mixed.js';
import { ownerOnly } from './owner-only.js';
import { churn } from './churn.js';

export const scenarios: Scenario[] = [following, lateJoin, ownerMixed, ownerOnly, churn];
