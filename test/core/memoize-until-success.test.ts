import { describe, expect, it } from "vitest";
import { memoizeUntilSuccess } from "../../lambda/core/memoize-until-success.ts";

describe("memoizeUntilSuccess", () => {
  it("builds once and shares the result, also between concurrent callers", async () => {
    let builds = 0;
    const get = memoizeUntilSuccess(async () => ({ build: ++builds }));
    const [a, b] = await Promise.all([get(), get()]);
    expect(a).toBe(b);
    expect(await get()).toBe(a);
    expect(builds).toBe(1);
  });

  it("does not cache a failure: the next call builds again", async () => {
    let builds = 0;
    const get = memoizeUntilSuccess(async () => {
      builds++;
      if (builds === 1) throw new Error("secret briefly unreadable");
      return "ready";
    });
    await expect(get()).rejects.toThrow("secret briefly unreadable");
    expect(await get()).toBe("ready");
    expect(await get()).toBe("ready");
    expect(builds).toBe(2);
  });

  it("turns a synchronous throw into a rejection", async () => {
    const get = memoizeUntilSuccess((() => {
      throw new Error("sync");
    }) as () => Promise<never>);
    await expect(get()).rejects.toThrow("sync");
  });

  it("builds afresh after forget()", async () => {
    let builds = 0;
    const get = memoizeUntilSuccess(async () => ++builds);
    expect(await get()).toBe(1);
    expect(await get()).toBe(1);
    get.forget();
    expect(await get()).toBe(2);
  });

  it("passes the arguments of the call that starts an attempt, and retries a failure with the next call's", async () => {
    const seen: string[] = [];
    const get = memoizeUntilSuccess(async (key: string) => {
      seen.push(key);
      if (key === "bad") throw new Error("bad key");
      return key.toUpperCase();
    });
    await expect(get("bad")).rejects.toThrow("bad key");
    expect(await get("good")).toBe("GOOD");
    expect(await get("ignored while a result is kept")).toBe("GOOD");
    expect(seen).toEqual(["bad", "good"]);
  });
});
