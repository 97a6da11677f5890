import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { AUDIT_ACTION_LABELS, AUDIT_ENTITY_TYPE_LABELS } from "../../app/domain/audit-labels";
import { EXTENSION_REQUEST_TRANSITIONS } from "../../app/domain/extension-request-status";
import { SUBMISSION_TRANSITIONS } from "../../app/domain/submission-status";
import { PROJECT_ROOT } from "../helpers/server";

// Every audit row the app (or its seeds) can write reads in Chinese on 审计日志: the action codes and
// object types of every writeAudit(…) call in the source are collected here and each must have a label.

/** The action codes built from data: the transitions of a submission and of an extension request (app/domain/). */
const DATA_DRIVEN: Record<string, string[]> = {
  "`submission.${t.action}`": SUBMISSION_TRANSITIONS.map((t) => `submission.${t.action}`),
  "`extension_request.${t.action}`": EXTENSION_REQUEST_TRANSITIONS.map((t) => `extension_request.${t.action}`),
};

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(PROJECT_ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => path.join(PROJECT_ROOT, dir, f));
}

/** The strings an expression can evaluate to: literals, `a ? "x" : "y"`, and templates over those. */
function values(node: ts.Expression, file: ts.SourceFile): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isParenthesizedExpression(node)) return values(node.expression, file);
  if (ts.isConditionalExpression(node)) return [...values(node.whenTrue, file), ...values(node.whenFalse, file)];
  const text = node.getText(file);
  if (DATA_DRIVEN[text]) return DATA_DRIVEN[text];
  if (ts.isTemplateExpression(node)) {
    let out = [node.head.text];
    for (const span of node.templateSpans) {
      const inner = values(span.expression, file);
      out = out.flatMap((prefix) => inner.map((v) => prefix + v + span.literal.text));
    }
    return out;
  }
  throw new Error(`cannot tell which codes ${text} writes (${path.relative(PROJECT_ROOT, file.fileName)}): write it as literals`);
}

function writtenCodes(): { actions: Set<string>; entityTypes: Set<string>; calls: number } {
  const actions = new Set<string>();
  const entityTypes = new Set<string>();
  let calls = 0;
  for (const fileName of [...sourceFiles("app"), ...sourceFiles("seeds")]) {
    const text = fs.readFileSync(fileName, "utf8");
    if (!text.includes("writeAudit(")) continue;
    const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && node.expression.getText(file) === "writeAudit") {
        calls++;
        const entry = node.arguments[2];
        if (!entry || !ts.isObjectLiteralExpression(entry)) throw new Error(`writeAudit without an object literal entry in ${fileName}`);
        for (const prop of entry.properties) {
          if (!ts.isPropertyAssignment(prop)) continue;
          const name = prop.name.getText(file);
          if (name === "action") for (const v of values(prop.initializer, file)) actions.add(v);
          if (name === "entityType") for (const v of values(prop.initializer, file)) entityTypes.add(v);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return { actions, entityTypes, calls };
}

describe("audit log labels", () => {
  const { actions, entityTypes, calls } = writtenCodes();

  it("finds the audit writes of the app", () => {
    expect(calls).toBeGreaterThan(50);
    // Sanity: the codes the issue names are among them.
    expect(actions).toContain("results.public.enable");
    expect(actions).toContain("submission.resubmit");
    expect(entityTypes).toContain("submission_answer");
  });

  it("every action code written by the app has a Chinese label", () => {
    const missing = [...actions].filter((a) => !AUDIT_ACTION_LABELS[a]).sort();
    expect(missing).toEqual([]);
    expect(AUDIT_ACTION_LABELS["results.public.enable"]).toBe("启用公开通报");
  });

  it("every object type written by the app has a Chinese label", () => {
    const missing = [...entityTypes].filter((t) => !AUDIT_ENTITY_TYPE_LABELS[t]).sort();
    expect(missing).toEqual([]);
  });

  it("labels no code the app never writes (no dead labels)", () => {
    expect(Object.keys(AUDIT_ACTION_LABELS).filter((a) => !actions.has(a))).toEqual([]);
    expect(Object.keys(AUDIT_ENTITY_TYPE_LABELS).filter((t) => !entityTypes.has(t))).toEqual([]);
  });
});
