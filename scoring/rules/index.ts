// The rule modules, by rule type: the only place a leaf is scored.
import type { RuleType } from "../schema";
import { checklistRule } from "./checklist";
import { deductionRule } from "./deduction";
import { ratioRule } from "./ratio";
import { scoreRule } from "./score";
import { tiersRule } from "./tiers";
import { timelinessRule } from "./timeliness";
import type { RuleModule } from "./types";
import { vetoRule } from "./veto";

export const RULES: { readonly [K in RuleType]: RuleModule<unknown> } = {
  score: scoreRule as RuleModule<unknown>,
  deduction: deductionRule as RuleModule<unknown>,
  ratio: ratioRule as RuleModule<unknown>,
  tiers: tiersRule as RuleModule<unknown>,
  timeliness: timelinessRule as RuleModule<unknown>,
  veto: vetoRule as RuleModule<unknown>,
  checklist: checklistRule as RuleModule<unknown>,
};

export type { CompileEnv, LeafDef, LeafOut, RuleContext, RuleModule } from "./types";
