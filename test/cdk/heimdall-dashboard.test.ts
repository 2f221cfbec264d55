import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EcrHeimdall } from "../../cdk/ecr-heimdall.ts";
import { createHeimdallTestStack, type HeimdallTestStack } from "./heimdall-test-stack.ts";

let t: HeimdallTestStack;
beforeAll(() => {
  t = createHeimdallTestStack();
});
afterAll(() => t.cleanup());

interface Widget {
  type: string;
  properties: { title?: string; markdown?: string; metrics?: unknown[][]; query?: string; view?: string };
}

/**
 * The dashboard body as CloudWatch will read it. CloudFormation joins it from strings and references; each
 * reference is put back as `{{<logical id>}}` (or `{{AWS::Region}}`), so widgets can be checked as plain JSON.
 */
function widgetsOf(heimdall: EcrHeimdall): Widget[] {
  const body = t.resource(heimdall.dashboard.dashboard).Properties.DashboardBody as {
    "Fn::Join": [string, unknown[]];
  };
  const text = body["Fn::Join"][1]
    .map((part) => {
      if (typeof part === "string") return part;
      const ref = (part as { Ref?: string }).Ref;
      const getAtt = (part as { "Fn::GetAtt"?: [string, string] })["Fn::GetAtt"];
      return `{{${ref ?? getAtt?.join(".") ?? JSON.stringify(part)}}}`;
    })
    .join("");
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

const byTitle = (widgets: Widget[], title: string): Widget => {
  const found = widgets.find((widget) => widget.properties.title === title);
  if (found === undefined) throw new Error(`no widget '${title}'`);
  return found;
};

describe("the dashboard", () => {
  it("charts updates, no-change, stale and failures per hour from this instance's own metrics", () => {
    const outcomes = byTitle(widgetsOf(t.snutt), "Outcomes per hour");
    expect(outcomes.properties.metrics).toEqual(
      ["Updates", "NoChange", "Stale", "Failures"].map((name) => [
        "EcrHeimdall",
        name,
        "gitopsRepo",
        "wafflestudio/snutt-gitops",
        "service",
        "ecr-heimdall",
        expect.objectContaining({ stat: "Sum", period: 3600 }),
      ]),
    );
    expect(JSON.stringify(widgetsOf(t.other))).toContain("wafflestudio/other-gitops");
    expect(JSON.stringify(widgetsOf(t.other))).not.toContain("wafflestudio/snutt-gitops");
  });

  it("charts push-to-commit latency p50 and p99", () => {
    const latency = byTitle(widgetsOf(t.snutt), "Push-to-commit latency");
    const stats = (latency.properties.metrics ?? []).map((metric) => [
      metric[1],
      (metric.at(-1) as { stat: string }).stat,
    ]);
    expect(stats).toEqual([
      ["PushToCommitLatency", "p50"],
      ["PushToCommitLatency", "p99"],
    ]);
  });

  it("charts queue depth and the oldest message's age, and every dead-letter queue", () => {
    const widgets = widgetsOf(t.snutt);
    const queue = JSON.stringify(byTitle(widgets, "Queue").properties.metrics);
    expect(queue).toContain(
      `"ApproximateNumberOfMessagesVisible","QueueName","{{${t.id(t.snutt.queue)}.QueueName}}"`,
    );
    expect(queue).toContain(
      `"ApproximateAgeOfOldestMessage","QueueName","{{${t.id(t.snutt.queue)}.QueueName}}"`,
    );
    const dlqs = JSON.stringify(byTitle(widgets, "Dead-letter queues").properties.metrics);
    const notifier = t.snutt.slackNotifier?.deadLetterQueue;
    for (const dlq of [
      t.snutt.deadLetterQueue,
      t.snutt.deliveryDeadLetterQueue,
      ...(notifier ? [notifier] : []),
    ]) {
      expect(dlqs).toContain(`{{${t.id(dlq)}.QueueName}}`);
    }
    // Without a Slack notifier there are two dead-letter queues to watch.
    expect(byTitle(widgetsOf(t.other), "Dead-letter queues").properties.metrics).toHaveLength(2);
  });

  it("charts the function's errors and its duration", () => {
    const fn = JSON.stringify(byTitle(widgetsOf(t.snutt), "Function errors and duration").properties.metrics);
    expect(fn).toContain(`"AWS/Lambda","Errors","FunctionName","{{${t.id(t.snutt.function)}}}"`);
    for (const stat of ["p50", "p99", "Maximum"]) expect(fn).toContain(`"stat":"${stat}"`);
  });

  it("lists the last failed events from the function's log group", () => {
    const failed = byTitle(widgetsOf(t.snutt), "Last failed events");
    expect(failed.type).toBe("log");
    expect(failed.properties.view).toBe("table");
    expect(failed.properties.query).toBe(
      `SOURCE '{{${t.id(t.child(t.snutt, "FunctionLogs"))}}}' | fields @timestamp, correlation_id, imageRepository, tag, errorName, reason\n| filter outcome = "failed"\n| sort @timestamp desc\n| limit 20`,
    );
  });

  it("puts its console URL in a stack output", () => {
    const outputs = t.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const [, url] =
      Object.entries(outputs).find(([key]) => /^wafflestudiosnuttgitopsDashboardUrl[0-9A-F]{8}$/.test(key)) ??
      [];
    expect(JSON.stringify(url?.Value)).toContain("console.aws.amazon.com/cloudwatch/home?region=");
    expect(JSON.stringify(url?.Value)).toContain(`{"Ref":"${t.id(t.snutt.dashboard.dashboard)}"}`);
  });
});
