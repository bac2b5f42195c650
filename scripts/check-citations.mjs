// Checks that every cited section of the project's reference pages exists. A citation is
// `twilio-contract.md §2.4` or `callcentre-domain.md §1.2` anywhere in a tracked file (`git ls-files`),
// with or without `docs/` in front; the sections that follow it on the same line belong to it
// (`§2.2, §10`, `§2.5–2.6`). Inside those pages a bare `§5.1` refers to the page itself, and a link to
// a page with an anchor (`…contract.md#7-x-twilio-signature`) must name one of its headings. A section
// exists when the page has a heading that starts with its number (`## 2. Voice verbs`, `### 2.4 <Gather>`).
//
//   node scripts/check-citations.mjs [directory]   (default: the current directory)
//
// Exit 0 when all is well; 1 with one `file:line: …` per problem.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The pages that can be cited, by the name used in citations. */
export const PAGES = {
  "twilio-contract": "docs/twilio-contract.md",
  "callcentre-domain": "docs/callcentre-domain.md",
};

const SECTION = String.raw`\d+(?:\.\d+)*`;
/** An optional page name, then § and a section, optionally a range (`§2.5–2.6`, `§1-2`). */
const CITATION = new RegExp(
  String.raw`(?:(twilio-contract|callcentre-domain)\.md\x60?\]?\s*)?§(${SECTION})(?:\s*[–-]\s*(${SECTION}))?`,
  "gu",
);
/** What may separate two sections cited together: `, `, ` and `, `; `, `, §1 and §3`. */
const CONTINUES = /^[\s,;]*(?:and|or)?[\s,;]*$/u;
const LINK = /\b(twilio-contract|callcentre-domain)\.md#([\w%-]+)/gu;
const HEADING = /^#{1,6}\s+(.*?)\s*#*\s*$/gmu;

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading) {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The section numbers (`2`, `2.4`) and anchors of a page's headings. */
export function headings(markdown) {
  const sections = new Set();
  const anchors = new Set();
  for (const [, text] of markdown.matchAll(HEADING)) {
    const number = new RegExp(String.raw`^(${SECTION})\.?\s`, "u").exec(text);
    if (number) sections.add(number[1]);
    anchors.add(slug(text));
  }
  return { sections, anchors };
}

/**
 * The citations in `text`: `{ line, page, section }` for each section cited (both ends of a range), and
 * `{ line, page, anchor }` for each link to a page's heading. `self` is the page this text is, if any.
 */
export function citations(text, self) {
  const found = [];
  text.split("\n").forEach((content, index) => {
    const line = index + 1;
    let page;
    let end = 0;
    for (const match of content.matchAll(CITATION)) {
      const [whole, named, from, to] = match;
      if (named) page = named;
      else if (!(page && CONTINUES.test(content.slice(end, match.index)))) page = self;
      end = match.index + whole.length;
      if (!page) continue;
      for (const section of to ? [from, to] : [from]) found.push({ line, page, section });
    }
    for (const [, linked, anchor] of content.matchAll(LINK)) found.push({ line, page: linked, anchor: decodeURIComponent(anchor) });
  });
  return found;
}

/** Every citation of a missing section or anchor in `files` (paths relative to `root`). */
export function check(root, files) {
  const pages = {};
  for (const [name, path] of Object.entries(PAGES)) {
    const file = join(root, path);
    pages[name] = existsSync(file) ? headings(readFileSync(file, "utf8")) : undefined;
  }
  const selfOf = Object.fromEntries(Object.entries(PAGES).map(([name, path]) => [path, name]));
  const problems = [];
  for (const file of files) {
    let text;
    try {
      text = readFileSync(join(root, file), "utf8");
    } catch {
      continue; // deleted in the working tree, or not a regular file
    }
    if (text.includes("\u0000")) continue; // binary
    for (const cite of citations(text, selfOf[file])) {
      const page = pages[cite.page];
      const where = `${file}:${cite.line}`;
      if (!page) problems.push(`${where}: cites ${PAGES[cite.page]}, which does not exist`);
      else if (cite.section !== undefined && !page.sections.has(cite.section)) {
        problems.push(`${where}: ${cite.page}.md §${cite.section} is not a section of ${PAGES[cite.page]}`);
      } else if (cite.anchor !== undefined && !page.anchors.has(cite.anchor)) {
        problems.push(`${where}: ${cite.page}.md#${cite.anchor} is not a heading of ${PAGES[cite.page]}`);
      }
    }
  }
  return problems;
}

/** The files git tracks under `root`. */
export function trackedFiles(root) {
  return execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })
    .split("\0")
    .filter((file) => file !== "" && !file.endsWith("package-lock.json"));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? ".");
  const files = trackedFiles(root);
  const problems = check(root, files);
  if (problems.length > 0) {
    for (const problem of problems) console.error(problem);
    console.error(`${problems.length} citation${problems.length === 1 ? "" : "s"} of a missing section`);
    process.exit(1);
  }
  console.log(`citations: all sections cited in ${files.length} tracked files exist`);
}
