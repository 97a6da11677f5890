import Decimal from "decimal.js";
import { parseNodeForm } from "./indicator-form";
import { penaltyPartSentence, ruleSentence } from "./rule-sentence";
import { checkIndicatorSet, type CoverageGap } from "./indicator-policy";
import type { IndicatorSpec, StoredIndicator } from "./indicator-spec";

/**
 * The tree editor's live check: the node form's unsaved values applied to the current tree and
 * run through the same checks as saving and publishing (the form's field validation, then the
 * scoring engine's tree validator and the policy rules). Pure, so it runs in the browser as the
 * office types. In amend mode parents take the sum of their children, as the amendment will.
 */

export type LiveTarget = { kind: "edit"; nodeId: number; isLeaf: boolean } | { kind: "add"; position: string };

export interface LiveReport {
  /** Field problems of the form itself (field name → message). */
  fieldErrors: Record<string, string>;
  errors: string[];
  warnings: string[];
  /** The leaf's rule as typed, as a sentence (empty for a node with children or an unreadable form). */
  ruleSentence: string;
}

type Node = StoredIndicator;

function strip(nodes: readonly Node[]): IndicatorSpec[] {
  return nodes.map(({ nodeId: _id, children, ...rest }) => {
    const spec: IndicatorSpec = { ...rest };
    if (children && children.length) spec.children = strip(children);
    return spec;
  });
}

/** The path (root first) to a node, or null. */
function pathTo(nodes: Node[], nodeId: number): Node[] | null {
  for (const n of nodes) {
    if (n.nodeId === nodeId) return [n];
    const below = pathTo(n.children ?? [], nodeId);
    if (below) return [n, ...below];
  }
  return null;
}

function rebalance(ancestors: Node[]): void {
  for (const a of [...ancestors].reverse()) {
    if (a.children?.length) a.points = a.children.reduce((s, c) => s.plus(new Decimal(c.points)), new Decimal(0)).toNumber();
  }
}

export function liveCheck(tree: readonly Node[], target: LiveTarget, formData: FormData, opts: { scale: number; amend: boolean; coverageGap?: CoverageGap | null }): LiveReport {
  const parsed = parseNodeForm(formData, { isLeaf: target.kind === "add" || target.isLeaf });
  if (!parsed.ok) return { fieldErrors: parsed.fieldErrors, errors: [], warnings: [], ruleSentence: "" };
  const input = parsed.data;
  const next = structuredClone(tree) as Node[];
  const fill = (node: Node, isTop: boolean, isLeaf: boolean) => {
    node.code = input.code;
    node.name = input.name;
    node.points = input.points;
    if (input.dimension) node.dimension = input.dimension;
    else delete node.dimension;
    if (isTop) node.part = input.part;
    if (isTop && !isLeaf && input.cap !== null) node.cap = input.cap;
    else delete node.cap;
    if (isLeaf && input.rule) node.rule = input.rule;
    node.guidance = input.guidance;
    node.criteria = input.criteria;
    node.basis = input.basis;
    node.evidenceRequired = input.evidenceRequired;
    node.evidenceKinds = input.evidenceKinds;
  };

  let ancestors: Node[] = [];
  let self: Node | null = null;
  if (target.kind === "edit") {
    const path = pathTo(next, target.nodeId);
    if (!path) return { fieldErrors: {}, errors: [], warnings: [], ruleSentence: "" };
    const node = path[path.length - 1];
    fill(node, path.length === 1, target.isLeaf);
    self = node;
    ancestors = path.slice(0, -1);
  } else {
    const node = { nodeId: -1 } as Node;
    const m = /^(child|after)-(\d+)$/.exec(target.position);
    let siblings = next;
    let index = next.length;
    if (m) {
      const path = pathTo(next, Number(m[2]));
      if (!path) return { fieldErrors: {}, errors: [], warnings: [], ruleSentence: "" };
      const anchor = path[path.length - 1];
      if (m[1] === "child") {
        ancestors = path;
        if (!anchor.children?.length) delete anchor.rule;
        anchor.children ??= [];
        siblings = anchor.children;
        index = siblings.length;
      } else {
        ancestors = path.slice(0, -1);
        siblings = ancestors.length ? ancestors[ancestors.length - 1].children! : next;
        index = siblings.indexOf(anchor) + 1;
      }
    }
    fill(node, ancestors.length === 0, true);
    siblings.splice(index, 0, node);
    self = node;
  }
  if (opts.amend) rebalance(ancestors);
  const report = checkIndicatorSet(strip(next), { scale: opts.scale, coverageGap: opts.coverageGap });
  return {
    fieldErrors: {},
    errors: report.errors.map((e) => e.message),
    warnings: report.warnings.map((e) => e.message),
    ruleSentence: self?.children?.length
      ? self.part === "penalty"
        ? `扣分项${penaltyPartSentence(self.cap)}`
        : ""
      : ruleSentence(input.rule, input.points, {
          part: ancestors.length ? (ancestors[0].part ?? "base") : input.part,
          partName: (code) => next.find((n) => n.code === code)?.name,
        }),
  };
}
