// {"type":"veto"}: a triggered veto leaf vetoes the unit (单项否决).
import { ZERO } from "../rational";
import { setOut, sourceNote, type RuleModule } from "./types";

export const vetoRule: RuleModule<null> = {
  type: "veto",
  compile() {
    return null;
  },
  evaluate(_c, input, _ctx, out) {
    setOut(out, ZERO);
    if (input.triggered) {
      out.triggered = true;
      out.reason = input.reason ?? "";
      return `触发单项否决：${out.reason}${sourceNote(input.source)}`;
    }
    return "未触发单项否决";
  },
  key(_c, input) {
    return input.triggered ? -1 : 0;
  },
};
