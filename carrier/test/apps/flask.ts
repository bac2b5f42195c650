// Flask apps as their tests run them: a Python with Flask and twilio, and app.py started as a
// subprocess that binds a free loopback port itself and prints "listening on <port>".
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";

/**
 * A Python with Flask and twilio: $PYTHON, the one on the PATH, or Debian's (python3-flask and
 * python3-twilio install into /usr/bin/python3, which a pyenv or venv on the PATH may hide).
 */
function findPython(): string | undefined {
  const candidates = [process.env.PYTHON, "python3", "/usr/bin/python3"].filter((c): c is string => Boolean(c));
  return candidates.find((python) => spawnSync(python, ["-c", "import flask, twilio"], { stdio: "ignore" }).status === 0);
}

const python = findPython();
const MISSING = "no python3 with Flask and twilio (apt-get install python3-flask python3-twilio, or set PYTHON)";
/** The tests' skip: skipped on a machine without them; in CI (.ci/run installs them) their absence fails the test. */
export const skipWithoutFlask: string | false = python || process.env.CI ? false : MISSING;

/** Starts `app` with `env`, stopped when the test ends; resolves with its base URL once it listens. */
export async function startFlaskApp(t: TestContext, app: string, env: NodeJS.ProcessEnv): Promise<string> {
  assert.ok(python, MISSING);
  const child = spawn(python, [app], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  t.after(async () => {
    child.kill();
    await exited;
  });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    lines.once("line", (line) => {
      const match = /^listening on (\d+)$/.exec(line);
      if (match) resolve(Number(match[1]));
      else reject(new Error(`app.py said: ${line}`));
    });
    void exited.then(() => reject(new Error(`app.py exited before it listened: ${stderr}`)));
  });
  return `http://127.0.0.1:${port}`;
}
