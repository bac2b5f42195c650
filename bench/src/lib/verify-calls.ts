// Checks that no call was lost: on the carrier, each scripted call ended "completed" with every
// webhook answered 2xx; in the call centre's database, each is a calls row with status completed
// and its three menu steps in call_events (main menu, billing menu, main menu again).
import type { CarrierClient } from "./carrier-client.js";
import type { Reader } from "./centre-database.js";

/** Problems with the scripted calls `sids` as the carrier saw them (empty when all is well). */
export async function checkOnCarrier(carrier: CarrierClient, sids: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  for (let i = 0; i < sids.length; i += 200) {
    const views = await Promise.all(sids.slice(i, i + 200).map((sid) => carrier.call(sid)));
    for (const view of views) {
      if (view.status !== "completed") problems.push(`${view.sid}: ended ${view.status} on the carrier`);
      const failed = (view.timeline ?? []).filter((e) => e.type === "webhook" && (typeof e.status !== "number" || e.status < 200 || e.status >= 300));
      for (const w of failed) problems.push(`${view.sid}: ${String(w.purpose)} webhook to ${String(w.url)} answered ${String(w.status)} ${String(w.errorCode ?? "")}`);
    }
  }
  return problems;
}

interface StoredCall {
  sid: string;
  status: string;
  steps: { kind: string; node: string | null }[];
}

const MENUS = ["main-menu", "billing-menu", "main-menu"];
const OPTIONS = ["main-menu", "billing-menu"];

/** Problems with the scripted calls `sids` in the database (empty when all is well); `stored` counts the rows found. */
export async function checkInDatabase(reader: Reader, sids: readonly string[]): Promise<{ problems: string[]; stored: number; example: string }> {
  const rows = await reader.query<StoredCall>(
    `select c.sid, c.status,
       coalesce(json_agg(json_build_object('kind', e.kind, 'node', e.node) order by e.id) filter (where e.id is not null), '[]'::json) as steps
     from calls c left join call_events e on e.call_sid = c.sid
     where c.sid = any($1::text[]) group by c.sid, c.status`,
    [sids],
  );
  const problems: string[] = [];
  const bySid = new Map(rows.map((r) => [r.sid, r]));
  for (const sid of sids) {
    const row = bySid.get(sid);
    if (!row) {
      problems.push(`${sid}: not in the calls table`);
      continue;
    }
    if (row.status !== "completed") problems.push(`${sid}: status ${row.status} in the calls table`);
    const nodes = (kind: string) => row.steps.filter((s) => s.kind === kind).map((s) => s.node ?? "");
    const menus = nodes("menu.entered");
    const options = nodes("menu.option");
    if (menus.join() !== MENUS.join()) problems.push(`${sid}: menus entered ${JSON.stringify(menus)}, expected ${JSON.stringify(MENUS)}`);
    if (options.join() !== OPTIONS.join()) problems.push(`${sid}: options chosen in ${JSON.stringify(options)}, expected ${JSON.stringify(OPTIONS)}`);
    const wrong = row.steps.filter((s) => ["menu.no-input", "menu.invalid", "menu.failed"].includes(s.kind));
    if (wrong.length > 0) problems.push(`${sid}: unexpected steps ${JSON.stringify(wrong)}`);
  }
  const first = rows[0];
  const example = first ? first.steps.map((s) => `${s.kind}${s.node ? `:${s.node}` : ""}`).join(" → ") : "";
  return { problems, stored: rows.length, example };
}

/** The first few problems, and how many more. */
export function summariseProblems(problems: readonly string[], shown = 5): string[] {
  return problems.length <= shown ? [...problems] : [...problems.slice(0, shown), `… and ${problems.length - shown} more`];
}
