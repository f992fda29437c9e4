import { UserError } from '../errors.js';
import type { GanLoss, GanLossName } from './ganLoss.js';
import { hingeLoss } from './hinge.js';
import { leastSquaresLoss } from './leastSquares.js';
import { nonSaturatingLoss } from './nonSaturating.js';
import { wassersteinLoss } from './wasserstein.js';

export type { GanLoss, GanLossName } from './ganLoss.js';
export { gradientPenalty } from './gradientPenalty.js';
export { hingeLoss, leastSquaresLoss, nonSaturatingLoss, wassersteinLoss };

export const LOSS_NAMES: readonly GanLossName[] = ['ns', 'hinge', 'lsgan', 'wgan-gp'];

/** The loss named by `--loss`. */
export function ganLossByName(name: string, penaltyWeight = 10): GanLoss {
  switch (name) {
    case 'ns':
      return nonSaturatingLoss;
    case 'hinge':
      return hingeLoss;
    case 'lsgan':
      return leastSquaresLoss;
    case 'wgan-gp':
      return wassersteinLoss(penaltyWeight);
    default:
      throw new UserError(`--loss: unknown loss '${name}'; choose one of ${LOSS_NAMES.join(', ')}`);
  }
}
