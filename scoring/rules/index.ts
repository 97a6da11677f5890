import type { RuleType } from "../schema";
import { evalDeduction } from "./deduction";
import { evalRatio } from "./ratio";
import { evalScore } from "./score";
import { evalTiers } from "./tiers";
import { evalTimeliness } from "./timeliness";
import type { RuleFn } from "./types";
import { evalVeto } from "./veto";

export const RULES: Record<RuleType, RuleFn> = {
  score: evalScore,
  deduction: evalDeduction,
  ratio: evalRatio,
  tiers: evalTiers,
  timeliness: evalTimeliness,
  veto: evalVeto,
};

export type { LeafEval, RuleContext } from "./types";
