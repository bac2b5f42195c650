// The performance peer: the seed's Flask voice app (`answer_phone.py`, shared/peers/seed-flask) under
// one gunicorn sync worker, started as its README says and as its users deploy it. It answers POST
// /answer with a <Say>; it checks no signature and stores nothing.
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import type { Scope } from "./cleanup.js";
import { baseEnv, ROOT, spawnChild, waitForHttp, type Child } from "./processes.js";

const INSTALL = "apt-get install -y python3-flask python3-twilio gunicorn";
export const PEER_PATH = "/answer";
/** What the peer's answer contains. */
export const PEER_EXPECT = "<Say";

/** The first executable `name` on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/**
 * The peer's directory: `dir` if given (--peer-dir), else `shared/peers/seed-flask` beside the
 * repository (../shared from a checkout, ../../shared from a worktree under wt/).
 */
export function findPeerDir(dir: string | undefined): string {
  const candidates = dir ? [resolve(dir)] : [join(ROOT, "../shared/peers/seed-flask"), join(ROOT, "../../shared/peers/seed-flask")];
  const found = candidates.find((d) => existsSync(join(d, "answer_phone.py")));
  if (!found) throw new Error(`the Flask peer (answer_phone.py) is not in ${candidates.join(" or ")}: give its directory with --peer-dir`);
  return found;
}

export interface PeerProcess {
  child: Child;
  url: string;
}

/** `gunicorn -w 1 -b 127.0.0.1:PORT answer_phone:app` in the peer's directory; returns once it answers. */
export async function startPeer(scope: Scope, dir: string, port: number): Promise<PeerProcess> {
  const gunicorn = findOnPath("gunicorn");
  if (!gunicorn) throw new Error(`the Flask peer needs gunicorn, which is not on PATH: ${INSTALL}`);
  const child = await spawnChild({
    name: "Flask peer (gunicorn)",
    command: gunicorn,
    // --access-logfile is off by default; errors only, as the call centre runs at LOG_LEVEL=warn.
    args: ["-w", "1", "-b", `127.0.0.1:${port}`, "--log-level", "warning", "answer_phone:app"],
    env: baseEnv(),
    cwd: dir,
  });
  scope.defer("stop the Flask peer", async () => {
    await child.stop();
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/`, child, 30_000);
  } catch (error) {
    throw new Error(`the Flask peer did not start (are Flask and twilio installed? ${INSTALL}): ${(error as Error).message}`);
  }
  return { child, url };
}
