import type { DagObjectiveConfig } from '../dag/objectiveTypes.js';
import { buildPolicies, headCount, parsePolicies } from '../dag/policies.js';
import { UserError } from '../errors.js';
import type { TrainConfig } from './trainConfig.js';

/**
 * The DAG objective and D's head count for a run. Only `dag` mode adds heads; the baselines
 * train a plain single-head D (their policies drive the random augmentation instead).
 */
export function buildObjective(config: TrainConfig): {
  config: DagObjectiveConfig;
  headCount: number;
} {
  const specs = parsePolicies(config.policy);
  if (config.mode !== 'none' && specs.length === 0) {
    throw new UserError(`--mode ${config.mode} needs a --policy (or use --mode none)`);
  }
  if (config.mode === 'none' && specs.length > 0) {
    throw new UserError(
      `--mode none uses no augmentation; drop --policy ${config.policy} or use --policy none`,
    );
  }
  const convention = { identityHasOwnHead: config.identityHead === 'own' };
  const policies = buildPolicies(specs, convention, { cropResize: config.cropResize });
  return {
    config: { mode: config.mode, policies, weight: config.dagWeight },
    headCount: config.mode === 'dag' ? headCount(specs, convention) : 0,
  };
}
