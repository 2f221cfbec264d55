/**
 * Run in a child process by test/core/deep-nesting.test.ts: plans one push over 40 manifests that each hold
 * a 2,400-level flow sequence mentioning the image, and prints the warning codes as JSON. Before nesting was
 * bounded, V8 died here with "FATAL ERROR: RegExpCompiler Allocation failed" (exit 134), which no try/catch
 * in the same process can observe.
 */
import { DEFAULT_CONFIG } from "../../lambda/core/config/heimdall-config.ts";
import { planUpdate } from "../../lambda/core/update/plan-update.ts";
import { ecrPush } from "./ecr-push.ts";
import { IMG } from "./image-edit.ts";

const files = new Map<string, string>();
for (let i = 0; i < 40; i++) {
  files.set(
    `apps/snutt-dev/snutt-timetable/deep-${i}.yaml`,
    `a: ${"[".repeat(2400)}{image: ${IMG}:45}${"]".repeat(2400)}\n`,
  );
}
const plan = planUpdate({
  pushes: [ecrPush("snutt-dev/snutt-timetable", "46")],
  files,
  config: DEFAULT_CONFIG,
});
console.log(JSON.stringify(plan.warnings.map((warning) => warning.code)));
